// An in-process stand-in for vmm-server's WorkerService, for the worker's tests: it records what
// the worker sends on Connect, sends the messages a test queues, serves a job input from memory
// (optionally stalling, to test cancellation) and keeps uploaded results.
//
// Thread-safety: every method may be called from the test thread while gRPC threads serve.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "vmm/v1/worker.grpc.pb.h"

namespace vmm::worker::testing {

// A scriptable WorkerService.
class FakeWorkerService final : public vmm::v1::WorkerService::Service {
 public:
  // Status Connect ends with instead of registering (OK: register normally).
  grpc::Status refuse_registration = grpc::Status::OK;
  // Input bytes by job id.
  std::map<std::string, std::string> inputs;
  // If true, ReadInput sends nothing and waits until the call is cancelled.
  bool stall_input = false;

  // Queues a message for the connected worker.
  void Send(const vmm::v1::ServerMessage& message) {
    std::lock_guard<std::mutex> lock(mutex_);
    outbox_.push_back(message);
    changed_.notify_all();
  }

  // Waits until a received message satisfies `match`; returns it (or an empty one on timeout).
  vmm::v1::WorkerMessage WaitFor(const std::function<bool(const vmm::v1::WorkerMessage&)>& match,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    std::unique_lock<std::mutex> lock(mutex_);
    vmm::v1::WorkerMessage found;
    changed_.wait_for(lock, timeout, [&] {
      for (const auto& message : received_) {
        if (match(message)) {
          found = message;
          return true;
        }
      }
      return false;
    });
    return found;
  }

  // Waits until the worker's Connect stream has ended; true if it did within `timeout`.
  bool WaitForDisconnect(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return disconnects_ > 0; });
  }

  // Results uploaded with WriteResult, by job id.
  std::map<std::string, std::string> results() {
    std::lock_guard<std::mutex> lock(mutex_);
    return results_;
  }

  grpc::Status Connect(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<vmm::v1::ServerMessage, vmm::v1::WorkerMessage>* stream) override {
    vmm::v1::WorkerMessage message;
    if (!stream->Read(&message)) return grpc::Status(grpc::StatusCode::CANCELLED, "no Register");
    Record(message);
    if (!refuse_registration.ok()) return refuse_registration;
    vmm::v1::ServerMessage registered;
    registered.mutable_registered()->set_worker_id("worker-1");
    registered.mutable_registered()->set_heartbeat_interval_seconds(0.2);
    registered.mutable_registered()->set_lease_seconds(5);
    stream->Write(registered);
    bool reading = true;
    std::thread writer([&] {
      std::unique_lock<std::mutex> lock(mutex_);
      while (true) {
        changed_.wait(lock, [&] { return !outbox_.empty() || !reading; });
        if (!reading) return;
        vmm::v1::ServerMessage next = outbox_.front();
        outbox_.pop_front();
        lock.unlock();
        stream->Write(next);
        lock.lock();
      }
    });
    while (stream->Read(&message)) Record(message);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      reading = false;
      ++disconnects_;
    }
    changed_.notify_all();
    writer.join();
    return context->IsCancelled() ? grpc::Status::CANCELLED : grpc::Status::OK;
  }

  grpc::Status ReadInput(grpc::ServerContext* context, const vmm::v1::ReadInputRequest* request,
                         grpc::ServerWriter<vmm::v1::InputChunk>* writer) override {
    if (stall_input) {
      while (!context->IsCancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      return grpc::Status::CANCELLED;
    }
    auto input = inputs.find(request->job_id());
    if (input == inputs.end()) {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "not assigned");
    }
    constexpr size_t kChunk = 1000;
    for (size_t offset = request->offset(); offset < input->second.size(); offset += kChunk) {
      vmm::v1::InputChunk chunk;
      chunk.set_offset(static_cast<int64_t>(offset));
      chunk.set_data(input->second.substr(offset, kChunk));
      writer->Write(chunk);
    }
    return grpc::Status::OK;
  }

  grpc::Status WriteResult(grpc::ServerContext*,
                           grpc::ServerReader<vmm::v1::WriteResultRequest>* reader,
                           vmm::v1::WriteResultResponse* response) override {
    vmm::v1::WriteResultRequest request;
    std::string job_id, bytes;
    while (reader->Read(&request)) {
      if (request.has_header()) job_id = request.header().job_id();
      if (request.content_case() == vmm::v1::WriteResultRequest::kChunk) {
        bytes += request.chunk();
      }
    }
    response->set_size_bytes(static_cast<int64_t>(bytes.size()));
    std::lock_guard<std::mutex> lock(mutex_);
    results_[job_id] = bytes;
    return grpc::Status::OK;
  }

 private:
  void Record(const vmm::v1::WorkerMessage& message) {
    std::lock_guard<std::mutex> lock(mutex_);
    received_.push_back(message);
    changed_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<vmm::v1::WorkerMessage> received_;
  std::deque<vmm::v1::ServerMessage> outbox_;
  std::map<std::string, std::string> results_;
  int disconnects_ = 0;
};

// The fake running on a free loopback port.
struct FakeServer {
  FakeWorkerService service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;

  void Start() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service);
    server = builder.BuildAndStart();
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port); }
  ~FakeServer() {
    if (server) server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  }
};

}  // namespace vmm::worker::testing
