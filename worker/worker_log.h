// One-line log messages of vmm-worker on stderr, each with the time and the worker's name, so
// the output of several local workers under one server can be told apart.
//
// Thread-safety: Log may be called from any thread; lines are written whole.
#pragma once

#include <string>
#include <string_view>

namespace vmm::worker {

// Sets the name printed on every line (the --name flag).
void SetLogName(std::string name);

// Writes "<UTC time> vmm-worker[<name>] <message>" to stderr.
void Log(std::string_view message);

}  // namespace vmm::worker
