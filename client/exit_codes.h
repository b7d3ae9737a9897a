// Exit codes shared by every `vmm` subcommand, so scripts can tell outcomes apart.
#pragma once

namespace vmm::client {

inline constexpr int kExitSuccess = 0;      // the command did what was asked
inline constexpr int kExitFailure = 1;      // it ran but failed (bad input file, job failed, I/O)
inline constexpr int kExitUsage = 2;        // bad usage: unknown flag, invalid parameter value
inline constexpr int kExitUnavailable = 3;  // the server could not be reached or refused the token
inline constexpr int kExitCancelled = 4;    // the job or the command was cancelled

}  // namespace vmm::client
