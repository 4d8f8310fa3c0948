#pragma once

// A path cut at its slashes (empty segments skipped, so "//a/" is "a"), without allocating, and
// a route pattern's fit to it: a "{name}" segment fits any segment that percent-decodes, any other
// only itself. Matching runs up to three times per request (HttpApp's handles_inline,
// calls_provider and handle), so it allocates nothing unless asked for the parameters.

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ac {

class PathSegments {
 public:
  // More segments than any route has: a path that long fits no pattern.
  static constexpr std::size_t kMaxSegments = 16;

  // The segments refer to `path`'s characters, which must outlive them.
  explicit PathSegments(std::string_view path);

  // False for a path of more than kMaxSegments segments.
  bool fits_in_limit() const { return count_ <= kMaxSegments; }
  std::size_t size() const { return count_; }
  std::string_view operator[](std::size_t i) const { return items_[i]; }

 private:
  std::array<std::string_view, kMaxSegments> items_;
  std::size_t count_ = 0;
};

// Whether `path` fits `pattern`; when it does and `params` is given, the decoded parameters are
// appended to it in order.
bool fits(const PathSegments& pattern, const PathSegments& path,
          std::vector<std::string>* params = nullptr);

}  // namespace ac
