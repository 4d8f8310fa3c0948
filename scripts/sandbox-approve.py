#!/usr/bin/python3
"""Presses Approve on audible-sandbox's consent page for an auth_url, without a browser, and
prints the JSON body that finishes the flow at POST /oauth/callback.

  scripts/sandbox-approve.py AUTH_URL [AUDIBLE_ACCOUNT]
"""
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    auth_url = urllib.parse.urlsplit(sys.argv[1])
    form = dict(urllib.parse.parse_qsl(auth_url.query))
    # The consent page's form carries a CSRF token bound to the request: read it as a browser would.
    with urllib.request.urlopen(sys.argv[1]) as page:
        csrf = re.search(r'name="csrf_token" value="([^"]*)"', page.read().decode()).group(1)
    form.update(decision="approve", user=sys.argv[2] if len(sys.argv) > 2 else "sandbox-listener-1",
                csrf_token=csrf)
    target = urllib.parse.urlunsplit((auth_url.scheme, auth_url.netloc, auth_url.path, "", ""))
    request = urllib.request.Request(target, data=urllib.parse.urlencode(form).encode(), method="POST")
    try:
        urllib.request.build_opener(NoRedirect).open(request)
        sys.exit("the sandbox did not redirect")
    except urllib.error.HTTPError as err:
        if err.code != 302:
            sys.exit(f"the sandbox answered {err.code}: {err.read().decode()}")
        location = urllib.parse.urlsplit(err.headers["Location"])
    print(json.dumps(dict(urllib.parse.parse_qsl(location.query))))


if __name__ == "__main__":
    main()
