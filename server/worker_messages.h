// Converts between the worker protocol's Connect messages (vmm.v1 worker.proto) and the
// scheduler's plain types (worker_link.h).
#pragma once

#include <functional>

#include "server/worker_link.h"
#include "vmm/v1/worker.pb.h"

namespace vmm::server {

// The scheduler's view of a Register message.
WorkerRegistration RegistrationFromProto(const vmm::v1::Register& message);
// The scheduler's view of a Heartbeat message.
WorkerHeartbeat HeartbeatFromProto(const vmm::v1::Heartbeat& message);
// The scheduler's view of a Progress message.
JobProgress ProgressFromProto(const vmm::v1::Progress& message);
// The scheduler's view of a JobFinished message (a cancel's acknowledgement and a message
// without an outcome count as handed back).
JobOutcome OutcomeFromProto(const vmm::v1::JobFinished& message);

// A WorkerLink that turns each call into a ServerMessage for `send`, in order.
class MessageWorkerLink : public WorkerLink {
 public:
  // `send` delivers a message without blocking (dropping it once the stream ended);
  // `disconnect` ends the stream.
  MessageWorkerLink(std::function<void(vmm::v1::ServerMessage)> send,
                    std::function<void()> disconnect);

  void Registered(const WorkerTerms& terms) override;
  void Assign(const JobAssignment& assignment) override;
  void Cancel(const std::string& job_id, const std::string& reason) override;
  void AssignLive(const LiveAssignment& assignment) override;
  void Disconnect() override;

 private:
  std::function<void(vmm::v1::ServerMessage)> send_;
  std::function<void()> disconnect_;
};

}  // namespace vmm::server
