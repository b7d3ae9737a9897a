// Turns Ctrl-C (SIGINT) and SIGTERM into ordinary calls for a command that must end cleanly
// when interrupted: the first signal calls `on_first`, the second `on_again`, on a thread of the
// watch's own (so the calls may take locks and cancel RPCs, which a signal handler may not), and
// a third ends the process at once (exit 130) in case the command is stuck. RAII: the
// constructor blocks the signals in the calling thread, and so in every thread started after it
// (create the watch before any channel or worker thread); the destructor stops the thread and
// restores the signal mask.
//
// Thread-safety: construct and destroy on the same thread; the callbacks run on the watch's.
#pragma once

#include <signal.h>

#include <functional>
#include <thread>

namespace vmm::client {

class InterruptWatch {
 public:
  InterruptWatch(std::function<void()> on_first, std::function<void()> on_again);
  ~InterruptWatch();
  InterruptWatch(const InterruptWatch&) = delete;
  InterruptWatch& operator=(const InterruptWatch&) = delete;

 private:
  sigset_t previous_mask_;
  std::thread thread_;
};

}  // namespace vmm::client
