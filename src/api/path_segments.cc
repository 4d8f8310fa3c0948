#include "api/path_segments.h"

#include "http/query.h"

namespace ac {

PathSegments::PathSegments(std::string_view path) {
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    const auto slash = path.find('/');
    if (count_ == kMaxSegments) {
      count_ = kMaxSegments + 1;
      return;
    }
    items_[count_++] = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
  }
}

bool fits(const PathSegments& pattern, const PathSegments& path, std::vector<std::string>* params) {
  if (!path.fits_in_limit() || pattern.size() != path.size()) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (!pattern[i].starts_with('{')) {
      if (pattern[i] != path[i]) return false;
      continue;
    }
    auto decoded = percent_decode(path[i], false);
    if (!decoded) return false;
    if (params != nullptr) params->push_back(std::move(*decoded));
  }
  return true;
}

}  // namespace ac
