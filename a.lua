wrk.method="POST"
wrk.body="{}"
wrk.headers["Authorization"]="Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJiZW5jaC11c2VyIiwic3Vic2NyaXB0aW9uX3RpZXIiOiJwcmVtaXVtIiwiZXhwIjoxNzk1NDQ2MjA5fQ.l55z0dBDPGd3-NG5hHIpiZg8DW7EDnoxICQvkiZaCv0"
