// User text inside an error message: bounded and with control characters escaped, so that a
// 9,000-character name or a terminal escape sequence comes back as a readable quotation.
//
// Thread-safety: a pure function.
#pragma once

#include <string>
#include <string_view>

namespace vmm::common {

// `text` in double quotes: at most 64 characters (the rest counted, not echoed: a gRPC status
// travels in a header of bounded size), bytes below 0x20 and 0x7f as \xNN.
std::string Quoted(std::string_view text);

}  // namespace vmm::common
