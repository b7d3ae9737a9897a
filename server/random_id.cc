#include "server/random_id.h"

#include <openssl/rand.h>

#include <cstdlib>
#include <vector>

namespace vmm::server {

std::string RandomHex(int bytes) {
  std::vector<unsigned char> buffer(static_cast<size_t>(bytes));
  if (RAND_bytes(buffer.data(), bytes) != 1) {
    // OpenSSL's generator failing means the system has no entropy source; nothing safe remains.
    std::abort();
  }
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(buffer.size() * 2);
  for (unsigned char byte : buffer) {
    hex.push_back(kHex[byte >> 4]);
    hex.push_back(kHex[byte & 0xf]);
  }
  return hex;
}

}  // namespace vmm::server
