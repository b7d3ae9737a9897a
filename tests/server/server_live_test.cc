// Live streams through a real server: a fake worker attaches to the session and answers each
// frame; frames come back in order with their sequence numbers and latencies; errors end the
// call with the right status.
#include <gtest/gtest.h>

#include "tests/server/test_server.h"

namespace vmm::server {
namespace {

using testing::Context;
using testing::FakeWorker;
using testing::TestServer;

using LiveStream = grpc::ClientReaderWriter<vmm::v1::LiveRequest, vmm::v1::LiveResponse>;
using WorkerLiveStream =
    grpc::ClientReaderWriter<vmm::v1::LiveWorkerMessage, vmm::v1::LiveServerMessage>;

vmm::v1::LiveRequest Config(int width, int height) {
  vmm::v1::LiveRequest request;
  request.mutable_config()->set_width(width);
  request.mutable_config()->set_height(height);
  request.mutable_config()->set_pixel_format("gray");
  request.mutable_config()->mutable_params()->set_mode(vmm::v1::MODE_DYNAMIC);
  request.mutable_config()->set_max_frames_in_flight(2);
  return request;
}

vmm::v1::LiveRequest Frame(uint64_t sequence, const std::string& data) {
  vmm::v1::LiveRequest request;
  request.mutable_frame()->set_sequence(sequence);
  request.mutable_frame()->set_data(data);
  return request;
}

// Attaches `worker_id` to `session_id` over LiveFrames on `worker`'s channel.
std::unique_ptr<WorkerLiveStream> Attach(FakeWorker* worker, grpc::ClientContext* context,
                                         const std::string& worker_id,
                                         const std::string& session_id) {
  std::unique_ptr<WorkerLiveStream> stream = worker->stub().LiveFrames(context);
  vmm::v1::LiveWorkerMessage attach;
  attach.mutable_attach()->set_worker_id(worker_id);
  attach.mutable_attach()->set_session_id(session_id);
  EXPECT_TRUE(stream->Write(attach));
  return stream;
}

// Serves the live session of `assignment` on `worker`: inverts every byte until LiveEnd.
void ServeAssignment(FakeWorker* worker, const vmm::v1::LiveAssignment& assignment,
                     int* frames_served) {
  grpc::ClientContext context;
  std::unique_ptr<WorkerLiveStream> stream =
      Attach(worker, &context, worker->worker_id(), assignment.session_id());
  vmm::v1::LiveServerMessage in;
  while (stream->Read(&in)) {
    if (in.has_end()) break;
    vmm::v1::LiveWorkerMessage out;
    out.mutable_result()->set_sequence(in.frame().sequence());
    std::string data = in.frame().data();
    for (char& byte : data) byte = static_cast<char>(255 - static_cast<unsigned char>(byte));
    out.mutable_result()->set_data(data);
    out.mutable_result()->set_engine_seconds(0.001);
    ASSERT_TRUE(stream->Write(out));
    ++*frames_served;
  }
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

// Serves the next live session assigned to `worker`, as ServeAssignment.
void ServeInverting(FakeWorker* worker, int* frames_served) {
  std::optional<vmm::v1::ServerMessage> message = worker->Next();
  ASSERT_TRUE(message.has_value() && message->has_live_assignment());
  EXPECT_EQ(message->live_assignment().config().pixel_format(), "gray");
  EXPECT_EQ(message->live_assignment().config().params().sample_rate_hz(), 30);
  ServeAssignment(worker, message->live_assignment(), frames_served);
}

TEST(LiveTest, FramesComeBackMagnifiedInOrder) {
  TestServer server;
  ASSERT_TRUE(server.started()) << server.start_status();
  FakeWorker worker(server.channel(), 1, /*max_live=*/1);
  ASSERT_TRUE(worker.WaitRegistered());
  int frames_served = 0;
  std::thread worker_thread([&]() { ServeInverting(&worker, &frames_served); });

  auto context = Context("", absl::Seconds(30));
  std::unique_ptr<LiveStream> stream = server.api().Live(context.get());
  ASSERT_TRUE(stream->Write(Config(4, 2)));
  vmm::v1::LiveResponse response;
  ASSERT_TRUE(stream->Read(&response));
  ASSERT_TRUE(response.has_ready());
  EXPECT_EQ(response.ready().frame_size_bytes(), 8);
  EXPECT_EQ(response.ready().max_frames_in_flight(), 2);
  EXPECT_EQ(response.ready().device(), "cpu");
  // Five frames with a window of two in flight: the writer runs ahead of the reader.
  std::thread writer([&]() {
    for (uint64_t sequence = 10; sequence < 15; ++sequence) {
      ASSERT_TRUE(stream->Write(Frame(sequence, std::string(8, static_cast<char>(sequence)))));
    }
    stream->WritesDone();
  });
  for (uint64_t sequence = 10; sequence < 15; ++sequence) {
    ASSERT_TRUE(stream->Read(&response));
    ASSERT_TRUE(response.has_frame());
    EXPECT_EQ(response.frame().sequence(), sequence);
    EXPECT_EQ(response.frame().data(), std::string(8, static_cast<char>(255 - sequence)));
    EXPECT_GE(response.frame().latency_seconds(), 0);
    EXPECT_EQ(response.frame().engine_seconds(), 0.001);
  }
  writer.join();
  EXPECT_FALSE(stream->Read(&response));
  grpc::Status status = stream->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
  worker_thread.join();
  EXPECT_EQ(frames_served, 5);
  // The server's side of the call completes just after the client's.
  for (int i = 0; i < 100 && server.app().metrics().live_sessions.Value() != 0; ++i) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(server.app().metrics().live_sessions.Value(), 0);
  EXPECT_EQ(server.app().metrics().live_frame_latency.Collect().histogram.sample_count, 5u);
}

TEST(LiveTest, NoFreeWorkerIsUnavailable) {
  TestServer server;
  ASSERT_TRUE(server.started()) << server.start_status();
  auto context = Context("");
  std::unique_ptr<LiveStream> stream = server.api().Live(context.get());
  stream->Write(Config(4, 2));
  vmm::v1::LiveResponse response;
  EXPECT_FALSE(stream->Read(&response));
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(status.error_message().find("no worker has a free live slot"), std::string::npos);
}

TEST(LiveTest, OnlyTheAssignedWorkerAttaches) {
  TestServer server;
  ASSERT_TRUE(server.started()) << server.start_status();
  FakeWorker worker(server.channel(), 1, /*max_live=*/1);
  FakeWorker stranger(server.channel(), 1, /*max_live=*/0);
  ASSERT_TRUE(worker.WaitRegistered());
  ASSERT_TRUE(stranger.WaitRegistered());
  auto context = Context("", absl::Seconds(30));
  std::unique_ptr<LiveStream> stream = server.api().Live(context.get());
  ASSERT_TRUE(stream->Write(Config(4, 2)));
  std::optional<vmm::v1::ServerMessage> message = worker.Next();
  ASSERT_TRUE(message.has_value() && message->has_live_assignment());
  const vmm::v1::LiveAssignment assignment = message->live_assignment();

  {
    grpc::ClientContext attach_context;
    std::unique_ptr<WorkerLiveStream> intruder =
        Attach(&stranger, &attach_context, stranger.worker_id(), assignment.session_id());
    grpc::Status status = intruder->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_NE(status.error_message().find("assigned to another worker"), std::string::npos)
        << status.error_message();
  }
  {
    grpc::ClientContext attach_context;
    std::unique_ptr<WorkerLiveStream> lost =
        Attach(&worker, &attach_context, worker.worker_id(), "no-such-session");
    grpc::Status status = lost->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  }

  // The session is still the assigned worker's.
  int frames_served = 0;
  std::thread worker_thread([&]() { ServeAssignment(&worker, assignment, &frames_served); });
  vmm::v1::LiveResponse response;
  ASSERT_TRUE(stream->Read(&response));
  ASSERT_TRUE(response.has_ready());
  ASSERT_TRUE(stream->Write(Frame(1, std::string(8, '\x01'))));
  stream->WritesDone();
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.frame().data(), std::string(8, '\xfe'));
  EXPECT_FALSE(stream->Read(&response));
  EXPECT_TRUE(stream->Finish().ok());
  worker_thread.join();
  EXPECT_EQ(frames_served, 1);
}

TEST(LiveTest, BadConfigAndWrongFrameSizeAreInvalid) {
  TestServer server;
  ASSERT_TRUE(server.started()) << server.start_status();
  {
    auto context = Context("");
    std::unique_ptr<LiveStream> stream = server.api().Live(context.get());
    vmm::v1::LiveRequest config = Config(4, 2);
    config.mutable_config()->set_pixel_format("cmyk");
    stream->Write(config);
    vmm::v1::LiveResponse response;
    EXPECT_FALSE(stream->Read(&response));
    grpc::Status status = stream->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(status.error_message().find("cmyk"), std::string::npos);
  }
  FakeWorker worker(server.channel(), 1, 1);
  ASSERT_TRUE(worker.WaitRegistered());
  int frames_served = 0;
  std::thread worker_thread([&]() {
    std::optional<vmm::v1::ServerMessage> message = worker.Next();
    ASSERT_TRUE(message.has_value() && message->has_live_assignment());
    grpc::ClientContext context;
    auto stream = worker.stub().LiveFrames(&context);
    vmm::v1::LiveWorkerMessage attach;
    attach.mutable_attach()->set_worker_id(worker.worker_id());
    attach.mutable_attach()->set_session_id(message->live_assignment().session_id());
    stream->Write(attach);
    vmm::v1::LiveServerMessage in;
    while (stream->Read(&in)) ++frames_served;
    stream->Finish();  // the server ends the worker's stream when the session fails
  });
  auto context = Context("");
  std::unique_ptr<LiveStream> stream = server.api().Live(context.get());
  stream->Write(Config(4, 2));
  vmm::v1::LiveResponse response;
  ASSERT_TRUE(stream->Read(&response));
  ASSERT_TRUE(response.has_ready());
  stream->Write(Frame(1, "short"));
  EXPECT_FALSE(stream->Read(&response));
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("has 5 bytes"), std::string::npos)
      << status.error_message();
  worker_thread.join();
  EXPECT_EQ(frames_served, 0);
}

TEST(LiveTest, WorkerFailureEndsTheCallWithItsReason) {
  TestServer server;
  ASSERT_TRUE(server.started()) << server.start_status();
  FakeWorker worker(server.channel(), 1, 1);
  ASSERT_TRUE(worker.WaitRegistered());
  std::thread worker_thread([&]() {
    std::optional<vmm::v1::ServerMessage> message = worker.Next();
    ASSERT_TRUE(message.has_value() && message->has_live_assignment());
    grpc::ClientContext context;
    auto stream = worker.stub().LiveFrames(&context);
    vmm::v1::LiveWorkerMessage attach;
    attach.mutable_attach()->set_worker_id(worker.worker_id());
    attach.mutable_attach()->set_session_id(message->live_assignment().session_id());
    stream->Write(attach);
    vmm::v1::LiveServerMessage in;
    ASSERT_TRUE(stream->Read(&in));
    vmm::v1::LiveWorkerMessage failure;
    failure.mutable_failure()->set_reason("the model ran out of memory");
    stream->Write(failure);
    stream->WritesDone();
    stream->Finish();
  });
  auto context = Context("");
  std::unique_ptr<LiveStream> stream = server.api().Live(context.get());
  stream->Write(Config(4, 2));
  vmm::v1::LiveResponse response;
  ASSERT_TRUE(stream->Read(&response));
  stream->Write(Frame(1, std::string(8, 'x')));
  EXPECT_FALSE(stream->Read(&response));
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_NE(status.error_message().find("ran out of memory"), std::string::npos);
  worker_thread.join();
}

}  // namespace
}  // namespace vmm::server
