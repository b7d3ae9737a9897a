#include "server/web/live_call.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace vmm::server::web {

LiveCall::LiveCall(CallRegistry* calls, const httplib::Request& request)
    : call_(calls, request, TokenFrom::kHeader) {}

grpc::Status LiveCall::Open(vmm::v1::MagnificationService::StubInterface* service,
                            const vmm::v1::LiveConfig& config, vmm::v1::LiveReady* ready) {
  service->async()->Live(call_.context(), this);
  {
    absl::MutexLock lock(&mutex_);
    *writing_.mutable_config() = config;
    write_outstanding_ = true;
  }
  AddHold();  // released in TakeHoldReleaseLocked's caller
  StartWrite(&writing_);
  StartRead(&reading_);
  StartCall();
  absl::MutexLock lock(&mutex_);
  mutex_.Await(absl::Condition(this, &LiveCall::ReadyOrDone));
  if (has_ready_) {
    *ready = ready_;
    return grpc::Status::OK;
  }
  if (!status_.ok()) return status_;
  return grpc::Status(grpc::StatusCode::INTERNAL, "the live call ended without LiveReady");
}

grpc::Status LiveCall::Exchange(std::vector<std::string> frames,
                                std::vector<vmm::v1::LiveResult>* results) {
  uint64_t first = 0;
  Next next = Next::kNothing;
  {
    absl::MutexLock lock(&mutex_);
    if (done_) {
      return status_.ok()
                 ? grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "the live session has ended")
                 : status_;
    }
    if (closing_) {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "the live session is ending");
    }
    const int64_t waiting = static_cast<int64_t>(next_sequence_) - frames_returned_;
    if (waiting + static_cast<int64_t>(frames.size()) > MaxWaitingLocked()) {
      return grpc::Status(
          grpc::StatusCode::RESOURCE_EXHAUSTED,
          absl::StrCat(waiting, " frames of this session are still waiting and at most ",
                       MaxWaitingLocked(),
                       " may (twice its maxFramesInFlight): wait for answers before sending more"));
    }
    first = next_sequence_;
    for (std::string& data : frames) {
      vmm::v1::LiveRequest request;
      request.mutable_frame()->set_sequence(next_sequence_++);
      *request.mutable_frame()->mutable_data() = std::move(data);
      to_write_.push_back(std::move(request));
    }
    next = TakeNextWriteLocked();
    if (next != Next::kNothing) ++starting_;
  }
  StartFromHandler(next);

  const uint64_t end = first + frames.size();
  absl::MutexLock lock(&mutex_);
  AnswerWait wait{this, end - 1};
  mutex_.Await(absl::Condition(&LiveCall::AnsweredOrDone, &wait));
  results->clear();
  for (uint64_t sequence = first; sequence < end; ++sequence) {
    auto found = results_.find(sequence);
    if (found == results_.end()) break;
    results->push_back(std::move(found->second));
    results_.erase(found);
  }
  if (results->size() == frames.size()) return grpc::Status::OK;
  if (!status_.ok()) return status_;
  return grpc::Status(grpc::StatusCode::ABORTED,
                      absl::StrCat("the live session ended before frame ", first + results->size(),
                                   " was answered"));
}

grpc::Status LiveCall::Close() {
  Next next = Next::kNothing;
  {
    absl::MutexLock lock(&mutex_);
    closing_ = true;
    if (!done_) next = TakeNextWriteLocked();
    if (next != Next::kNothing) ++starting_;
  }
  StartFromHandler(next);
  absl::MutexLock lock(&mutex_);
  mutex_.Await(absl::Condition(&done_));
  return status_;
}

void LiveCall::Cancel() { call_.context()->TryCancel(); }

bool LiveCall::done() {
  absl::MutexLock lock(&mutex_);
  return done_;
}

void LiveCall::WaitDone() {
  absl::MutexLock lock(&mutex_);
  mutex_.Await(absl::Condition(&done_));
}

vmm::v1::LiveReady LiveCall::ready() {
  absl::MutexLock lock(&mutex_);
  return ready_;
}

int64_t LiveCall::frames_sent() {
  absl::MutexLock lock(&mutex_);
  return static_cast<int64_t>(next_sequence_);
}

int64_t LiveCall::frames_returned() {
  absl::MutexLock lock(&mutex_);
  return frames_returned_;
}

int64_t LiveCall::frames_waiting() {
  absl::MutexLock lock(&mutex_);
  return static_cast<int64_t>(next_sequence_) - frames_returned_;
}

int64_t LiveCall::max_frames_waiting() {
  absl::MutexLock lock(&mutex_);
  return MaxWaitingLocked();
}

int64_t LiveCall::MaxWaitingLocked() const {
  return 2 * std::max<int64_t>(1, ready_.max_frames_in_flight());
}

bool LiveCall::ReadyOrDone() const { return has_ready_ || done_; }

bool LiveCall::AnsweredOrDone(AnswerWait* wait) {
  // Results arrive in order, so the last one's arrival means all have.
  return wait->call->done_ || wait->call->results_.count(wait->last) > 0;
}

LiveCall::Next LiveCall::TakeNextWriteLocked() {
  // Once the read has ended the call is finishing: nothing more is started on it.
  if (write_outstanding_ || writes_done_started_ || read_ended_) return Next::kNothing;
  if (!to_write_.empty()) {
    writing_ = std::move(to_write_.front());
    to_write_.pop_front();
    write_outstanding_ = true;
    return Next::kWrite;
  }
  if (closing_) {
    writes_done_started_ = true;
    return Next::kWritesDone;
  }
  return Next::kNothing;
}

void LiveCall::Start(Next next) {
  if (next == Next::kWrite) StartWrite(&writing_);
  if (next == Next::kWritesDone) StartWritesDone();
}

void LiveCall::StartFromHandler(Next next) {
  if (next == Next::kNothing) return;
  Start(next);
  bool release = false;
  {
    absl::MutexLock lock(&mutex_);
    --starting_;
    release = TakeHoldReleaseLocked();
  }
  if (release) RemoveHold();  // may finish the call (OnDone) on this thread: outside the lock
}

bool LiveCall::TakeHoldReleaseLocked() {
  if (!read_ended_ || starting_ > 0 || hold_released_) return false;
  hold_released_ = true;
  return true;
}

void LiveCall::OnWriteDone(bool ok) {
  Next next = Next::kNothing;
  {
    absl::MutexLock lock(&mutex_);
    write_outstanding_ = false;
    if (ok) {
      next = TakeNextWriteLocked();
    } else {
      // The stream is broken: OnDone brings its status; nothing more can be written.
      to_write_.clear();
      writes_done_started_ = true;
    }
  }
  Start(next);
}

void LiveCall::OnWritesDoneDone(bool) {}

void LiveCall::OnReadDone(bool ok) {
  if (!ok) {
    // The stream ended: once no handler is starting anything, the hold goes and OnDone follows.
    bool release = false;
    {
      absl::MutexLock lock(&mutex_);
      read_ended_ = true;
      release = TakeHoldReleaseLocked();
    }
    if (release) RemoveHold();
    return;
  }
  {
    absl::MutexLock lock(&mutex_);
    if (reading_.has_ready()) {
      ready_ = reading_.ready();
      has_ready_ = true;
    } else if (reading_.has_frame()) {
      ++frames_returned_;
      const uint64_t sequence = reading_.frame().sequence();
      results_[sequence] = std::move(*reading_.mutable_frame());
    }
  }
  StartRead(&reading_);
}

void LiveCall::OnDone(const grpc::Status& status) {
  absl::MutexLock lock(&mutex_);
  status_ = status;
  done_ = true;
}

}  // namespace vmm::server::web
