#include "client/interrupt_watch.h"

#include <pthread.h>

#include <cstdlib>
#include <utility>

namespace vmm::client {

namespace {

// The signals the watch takes; SIGUSR1 only tells its thread to end.
sigset_t WatchedSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1);
  return signals;
}

}  // namespace

InterruptWatch::InterruptWatch(std::function<void()> on_first, std::function<void()> on_again) {
  const sigset_t signals = WatchedSignals();
  pthread_sigmask(SIG_BLOCK, &signals, &previous_mask_);
  thread_ = std::thread([signals, on_first = std::move(on_first),
                         on_again = std::move(on_again)] {
    int interrupts = 0;
    while (true) {
      int received = 0;
      if (sigwait(&signals, &received) != 0) continue;
      if (received == SIGUSR1) return;
      ++interrupts;
      if (interrupts >= 3) std::_Exit(128 + SIGINT);  // stuck (a camera that sends nothing)
      (interrupts == 1 ? on_first : on_again)();
    }
  });
}

InterruptWatch::~InterruptWatch() {
  pthread_kill(thread_.native_handle(), SIGUSR1);
  thread_.join();
  pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

}  // namespace vmm::client
