// Unguessable identifiers (job ids, session ids, worker tokens) from OpenSSL's CSPRNG.
// Thread-safe.
#pragma once

#include <string>

namespace vmm::server {

// Returns `bytes` random bytes as 2 x `bytes` lowercase hex characters.
std::string RandomHex(int bytes);

}  // namespace vmm::server
