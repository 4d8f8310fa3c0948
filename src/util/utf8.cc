#include "util/utf8.h"

namespace ac {

Utf8Sequence utf8_sequence(std::string_view text) {
  const auto lead = static_cast<unsigned char>(text[0]);
  if (lead < 0x80) return {1, true};
  std::size_t needed = 0;
  unsigned char low = 0x80;  // the second byte's range; later ones are always 80..BF
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    needed = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    needed = 3;
    if (lead == 0xE0) low = 0xA0;   // no overlong forms
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    needed = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
  } else {
    return {1, false};
  }
  std::size_t length = 1;
  while (length < needed && length < text.size()) {
    const auto byte = static_cast<unsigned char>(text[length]);
    if (byte < (length == 1 ? low : 0x80) || byte > (length == 1 ? high : 0xBF)) break;
    ++length;
  }
  return {length, length == needed};
}

std::string valid_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  while (!bytes.empty()) {
    const auto [length, well_formed] = utf8_sequence(bytes);
    if (well_formed) {
      out.append(bytes.substr(0, length));
    } else {
      out += "\xEF\xBF\xBD";
    }
    bytes.remove_prefix(length);
  }
  return out;
}

std::size_t code_points(std::string_view utf8) {
  std::size_t count = 0;
  for (const char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;  // not a continuation byte
  }
  return count;
}

}  // namespace ac
