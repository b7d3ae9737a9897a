// The JSON gateway's live routes (server/web/live_route.cc) over HTTP, against a real vmm-server
// in-process with tokens and a fake worker that inverts every byte: a session opened, frames in
// and magnified frames out in order (also from concurrent requests), ended; refused for another
// token; a bad config and a frame of the wrong size refused with the service's own message;
// an idle session dropped; stopping the gateway cancelling a request that waits on the worker.
#include <atomic>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "server/validation.h"
#include "server/web/live_sessions.h"
#include "server/web/routes.h"
#include "tests/server/test_server.h"
#include "tests/console/http_expectations.h"

namespace vmm::server::web {
namespace {

using server::testing::FakeWorker;
using server::testing::TempDir;
using server::testing::TestServer;

constexpr char kAlice[] = "alice-token-0123456789";
constexpr char kBob[] = "bob-token-0123456789";
constexpr char kWorker[] = "worker-token-0123456789";

using WorkerLiveStream =
    grpc::ClientReaderWriter<vmm::v1::LiveWorkerMessage, vmm::v1::LiveServerMessage>;

std::string Inverted(std::string bytes) {
  for (char& byte : bytes) byte = static_cast<char>(255 - static_cast<unsigned char>(byte));
  return bytes;
}

// Serves every live session assigned to `worker` until `stop`, one at a time: answers each frame
// with its bytes inverted, or holds every frame unanswered while `hold` is set.
class InvertingWorker {
 public:
  explicit InvertingWorker(std::shared_ptr<grpc::Channel> channel)
      : worker_(std::move(channel), 1, /*max_live=*/1, kWorker) {
    registered_ = worker_.WaitRegistered();
    thread_ = std::thread([this] { Serve(); });
  }
  ~InvertingWorker() {
    stop_ = true;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (serving_ != nullptr) serving_->TryCancel();  // a session the test left open
    }
    thread_.join();
  }
  bool registered() const { return registered_; }
  void set_hold(bool hold) { hold_ = hold; }
  int sessions_served() const { return sessions_served_; }

 private:
  void Serve() {
    while (!stop_) {
      std::optional<vmm::v1::ServerMessage> message = worker_.Next(absl::Milliseconds(100));
      if (!message.has_value() || !message->has_live_assignment()) continue;
      grpc::ClientContext context;
      context.AddMetadata("authorization", std::string("Bearer ") + kWorker);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stop_) break;
        serving_ = &context;
      }
      std::unique_ptr<WorkerLiveStream> stream = worker_.stub().LiveFrames(&context);
      vmm::v1::LiveWorkerMessage attach;
      attach.mutable_attach()->set_worker_id(worker_.worker_id());
      attach.mutable_attach()->set_session_id(message->live_assignment().session_id());
      stream->Write(attach);
      vmm::v1::LiveServerMessage in;
      while (stream->Read(&in) && !in.has_end()) {
        if (hold_) continue;
        vmm::v1::LiveWorkerMessage out;
        out.mutable_result()->set_sequence(in.frame().sequence());
        out.mutable_result()->set_data(Inverted(in.frame().data()));
        out.mutable_result()->set_engine_seconds(0.001);
        if (!stream->Write(out)) break;
      }
      stream->WritesDone();
      stream->Finish();
      {
        std::lock_guard<std::mutex> lock(mutex_);
        serving_ = nullptr;
      }
      ++sessions_served_;
    }
  }

  FakeWorker worker_;
  bool registered_ = false;
  std::atomic<bool> stop_{false};
  std::atomic<bool> hold_{false};
  std::atomic<int> sessions_served_{0};
  std::mutex mutex_;
  grpc::ClientContext* serving_ = nullptr;  // guarded by mutex_
  std::thread thread_;
};

// A 4x2 gray, dynamic-mode session: 8 bytes a frame, at most 3 in flight.
constexpr char kConfig[] =
    R"({"width": 4, "height": 2, "pixelFormat": "gray", "params": {"mode": "MODE_DYNAMIC"},
        "maxFramesInFlight": 3})";

httplib::Headers Bearer(const std::string& token) {
  if (token.empty()) return {};
  return {{"Authorization", "Bearer " + token}};
}

// The id of a session opened with `token`; fails the test otherwise.
std::string OpenSession(httplib::Client& http, const std::string& token) {
  httplib::Result opened = http.Post("/api/live", Bearer(token), kConfig, "application/json");
  EXPECT_TRUE(opened) << httplib::to_string(opened.error());
  if (!opened) return "";
  EXPECT_EQ(opened->status, 201) << opened->body;
  return nlohmann::json::parse(opened->body, nullptr, false).value("id", "");
}

httplib::Result SendFrames(httplib::Client& http, const std::string& id, const std::string& bytes,
                           const std::string& token = kAlice) {
  return http.Post(("/api/live/" + id + "/frames").c_str(), Bearer(token), bytes,
                   "application/octet-stream");
}

class WebLiveTest : public ::testing::Test {
 protected:
  WebLiveTest()
      : server_([this](ServerOptions* options) {
          const std::string path = dir_.Join("tokens");
          std::ofstream(path) << kAlice << " alice\n"
                              << kBob << " bob\n"
                              << kWorker << " @worker\n";
          options->tokens_file = path;
        }) {}

  void SetUp() override {
    ASSERT_TRUE(server_.started()) << server_.start_status();
    worker_ = std::make_unique<InvertingWorker>(server_.channel());
    ASSERT_TRUE(worker_->registered());
    http_ = std::make_unique<httplib::Client>("127.0.0.1", server_.app().web_port());
    http_->set_read_timeout(30, 0);
  }

  TempDir dir_;
  TestServer server_;
  std::unique_ptr<InvertingWorker> worker_;
  std::unique_ptr<httplib::Client> http_;
};

TEST_F(WebLiveTest, FramesGoInAndComeBackMagnifiedInOrderUntilTheEnd) {
  httplib::Result opened = http_->Post("/api/live", Bearer(kAlice), kConfig, "application/json");
  ASSERT_TRUE(opened);
  ASSERT_EQ(opened->status, 201) << opened->body;
  const nlohmann::json body = nlohmann::json::parse(opened->body);
  const std::string id = body["id"];
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(body["ready"]["frameSizeBytes"], "8");
  EXPECT_EQ(body["ready"]["maxFramesInFlight"], 3);
  EXPECT_EQ(body["ready"]["device"], "cpu");

  // Three frames in one request: all three back, in order, each with its latency.
  const std::string three =
      "\x01\x02\x03\x04\x05\x06\x07\x08"
      "abcdefgh"
      "ABCDEFGH";
  httplib::Result frames = SendFrames(*http_, id, three);
  ASSERT_TRUE(frames);
  ASSERT_EQ(frames->status, 200) << frames->body;
  EXPECT_EQ(frames->body, Inverted(three));
  EXPECT_EQ(frames->get_header_value("Content-Type"), "application/octet-stream");
  EXPECT_EQ(frames->get_header_value("X-Vmm-Sequences"), "0,1,2");
  const std::vector<std::string> latencies =
      absl::StrSplit(frames->get_header_value("X-Vmm-Latency-Seconds"), ',');
  ASSERT_EQ(latencies.size(), 3u);
  for (const std::string& latency : latencies) EXPECT_GE(std::stod(latency), 0.0);
  EXPECT_EQ(frames->get_header_value("X-Vmm-Engine-Seconds"), "0.001,0.001,0.001");

  // More frames than may be in flight: refused, unread.
  ExpectError(SendFrames(*http_, id, std::string(4 * 8, 'z')), 400, "INVALID_ARGUMENT",
              "a request may carry at most 3 frames of 8 bytes (the session's maxFramesInFlight)");

  // Two requests at once (the console keeps two in flight): each gets its own frames.
  std::string replies[2];
  std::thread other([&] {
    httplib::Client second("127.0.0.1", server_.app().web_port());
    httplib::Result result = SendFrames(second, id, std::string(16, 'x'));
    if (result && result->status == 200) replies[1] = result->body;
  });
  httplib::Result mine = SendFrames(*http_, id, std::string(16, 'y'));
  other.join();
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->body, Inverted(std::string(16, 'y')));
  EXPECT_EQ(replies[1], Inverted(std::string(16, 'x')));

  httplib::Result ended = http_->Delete(("/api/live/" + id).c_str(), Bearer(kAlice));
  ASSERT_TRUE(ended);
  ASSERT_EQ(ended->status, 200) << ended->body;
  const nlohmann::json counts = nlohmann::json::parse(ended->body);
  EXPECT_EQ(counts["framesSent"], 7);
  EXPECT_EQ(counts["framesReturned"], 7);
  // Ended: the id is gone, and the service's session with it.
  ExpectError(SendFrames(*http_, id, three), 404, "NOT_FOUND",
              "live session \"" + id + "\" not found (it ended, or another token opened it)");
  for (int i = 0; i < 100 && server_.app().metrics().live_sessions.Value() != 0; ++i) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(server_.app().metrics().live_sessions.Value(), 0);
}

// A 1920x1080 rgb24 frame (6.2 MB) is larger than gRPC's default 4 MiB message: the gateway's
// channel takes what the service takes.
TEST_F(WebLiveTest, AFullHdFrameGoesThroughTheGateway) {
  constexpr char kFullHd[] =
      R"({"width": 1920, "height": 1080, "pixelFormat": "rgb24",
          "params": {"mode": "MODE_DYNAMIC"}, "maxFramesInFlight": 1})";
  httplib::Result opened = http_->Post("/api/live", Bearer(kAlice), kFullHd, "application/json");
  ASSERT_TRUE(opened);
  ASSERT_EQ(opened->status, 201) << opened->body;
  const std::string id = nlohmann::json::parse(opened->body)["id"];
  std::string frame(size_t{1920} * 1080 * 3, '\0');
  for (size_t i = 0; i < frame.size(); ++i) frame[i] = static_cast<char>(i * 7);
  httplib::Result back = SendFrames(*http_, id, frame);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->status, 200) << back->body.substr(0, 200);
  EXPECT_TRUE(back->body == Inverted(frame));
  httplib::Result ended = http_->Delete(("/api/live/" + id).c_str(), Bearer(kAlice));
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->status, 200) << ended->body;
}

TEST_F(WebLiveTest, ASessionAnswersOnlyTheTokenThatOpenedIt) {
  const std::string id = OpenSession(*http_, kAlice);
  ASSERT_FALSE(id.empty());
  const std::string not_found =
      "live session \"" + id + "\" not found (it ended, or another token opened it)";
  ExpectError(SendFrames(*http_, id, std::string(8, 'a'), kBob), 404, "NOT_FOUND", not_found);
  ExpectError(SendFrames(*http_, id, std::string(8, 'a'), ""), 404, "NOT_FOUND", not_found);
  ExpectError(http_->Delete(("/api/live/" + id).c_str(), Bearer(kBob)), 404, "NOT_FOUND",
              not_found);
  // Still alice's, and still working.
  httplib::Result frames = SendFrames(*http_, id, std::string(8, 'a'));
  ASSERT_TRUE(frames);
  EXPECT_EQ(frames->status, 200);
  EXPECT_EQ(frames->get_header_value("X-Vmm-Sequences"), "0");

  // A token the service does not know cannot open one: the service's own refusal.
  httplib::Result wrong =
      http_->Post("/api/live", Bearer("not-a-real-token-at-all"), kConfig, "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401) << wrong->body;
  EXPECT_EQ(nlohmann::json::parse(wrong->body).value("code", ""), "UNAUTHENTICATED");
  httplib::Result missing = http_->Post("/api/live", kConfig, "application/json");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 401) << missing->body;
}

TEST_F(WebLiveTest, ABadConfigIsRefusedWithTheServicesMessage) {
  // The service's message, word for word (server/validation.h checks live configs).
  vmm::v1::LiveConfig config;
  config.set_width(0);
  config.set_height(2);
  const absl::Status expected = ValidateAndFillLiveConfig(LiveLimits(), &config).status();
  ASSERT_EQ(expected.code(), absl::StatusCode::kInvalidArgument);
  ExpectError(
      http_->Post("/api/live", Bearer(kAlice), R"({"width": 0, "height": 2})", "application/json"),
      400, "INVALID_ARGUMENT", std::string(expected.message()));

  // A filter that needs future frames.
  vmm::v1::LiveConfig fir;
  fir.set_width(4);
  fir.set_height(2);
  fir.mutable_params()->set_mode(vmm::v1::MODE_TEMPORAL);
  fir.mutable_params()->set_filter(vmm::v1::FILTER_FIR);
  const absl::Status refused = ValidateAndFillLiveConfig(LiveLimits(), &fir).status();
  ASSERT_FALSE(refused.ok());
  ExpectError(http_->Post("/api/live", Bearer(kAlice),
                          R"({"width": 4, "height": 2,
                              "params": {"mode": "MODE_TEMPORAL", "filter": "FILTER_FIR"}})",
                          "application/json"),
              400, "INVALID_ARGUMENT", std::string(refused.message()));

  // Not JSON for a LiveConfig: refused before the service is asked.
  httplib::Result unknown =
      http_->Post("/api/live", Bearer(kAlice), R"({"alpha": 3})", "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  EXPECT_NE(unknown->body.find("the live config"), std::string::npos) << unknown->body;

  // A frame of the wrong size ends the session with the service's message, for later requests
  // too.
  const std::string id = OpenSession(*http_, kAlice);
  ASSERT_FALSE(id.empty());
  const std::string wrong_size = "frame 0 has 5 bytes; the config makes every frame 8 bytes";
  ExpectError(SendFrames(*http_, id, "12345"), 400, "INVALID_ARGUMENT", wrong_size);
  ExpectError(SendFrames(*http_, id, std::string(8, 'a')), 400, "INVALID_ARGUMENT", wrong_size);
  ExpectError(http_->Delete(("/api/live/" + id).c_str(), Bearer(kAlice)), 400, "INVALID_ARGUMENT",
              wrong_size);
}

// A gateway of the test's own over the server's channel, with a short idle timeout.
class OwnGateway {
 public:
  OwnGateway(std::shared_ptr<grpc::Channel> channel, LiveSessionOptions options)
      : stub_(vmm::v1::MagnificationService::NewStub(channel)), sessions_(options) {
    GatewayContext gateway;
    gateway.service = stub_.get();
    gateway.calls = &calls_;
    gateway.live = &sessions_;
    AddLiveRoutes(gateway, http_);
    port_ = http_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    while (!http_.is_running()) absl::SleepFor(absl::Milliseconds(1));
  }
  ~OwnGateway() {
    calls_.CancelAll();
    http_.stop();
    thread_.join();
    sessions_.Shutdown();
  }
  int port() const { return port_; }
  CallRegistry& calls() { return calls_; }
  LiveSessions& sessions() { return sessions_; }

 private:
  std::unique_ptr<vmm::v1::MagnificationService::Stub> stub_;
  CallRegistry calls_;
  LiveSessions sessions_;
  httplib::Server http_;
  std::thread thread_;
  int port_ = 0;
};

TEST_F(WebLiveTest, AnIdleSessionIsClosed) {
  LiveSessionOptions options;
  options.idle_timeout = absl::Milliseconds(300);
  options.sweep_period = absl::Milliseconds(50);
  OwnGateway gateway(server_.channel(), options);
  httplib::Client http("127.0.0.1", gateway.port());
  const std::string id = OpenSession(http, kAlice);
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(SendFrames(http, id, std::string(8, 'a'))->status, 200);
  EXPECT_EQ(gateway.sessions().size(), 1);
  for (int i = 0; i < 100 && gateway.sessions().size() != 0; ++i) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(gateway.sessions().size(), 0);
  EXPECT_EQ(SendFrames(http, id, std::string(8, 'a'))->status, 404);
  // The service's session ended with it, and the worker's slot is free for the next.
  for (int i = 0; i < 100 && server_.app().metrics().live_sessions.Value() != 0; ++i) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(server_.app().metrics().live_sessions.Value(), 0);
  const std::string next = OpenSession(http, kAlice);
  EXPECT_FALSE(next.empty());
}

TEST_F(WebLiveTest, StoppingTheGatewayCancelsARequestWaitingOnTheWorker) {
  OwnGateway gateway(server_.channel(), LiveSessionOptions());
  httplib::Client http("127.0.0.1", gateway.port());
  const std::string id = OpenSession(http, kAlice);
  ASSERT_FALSE(id.empty());
  worker_->set_hold(true);
  int waiting_status = 0;
  std::string waiting_body;
  std::thread request([&] {
    httplib::Result waiting = SendFrames(http, id, std::string(8, 'a'));
    if (!waiting) return;
    waiting_status = waiting->status;
    waiting_body = waiting->body;
  });
  absl::SleepFor(absl::Milliseconds(300));  // the frame is at the worker, unanswered
  const absl::Time cancelled = absl::Now();
  gateway.calls().CancelAll();
  request.join();
  EXPECT_LT(absl::Now() - cancelled, absl::Seconds(5));
  EXPECT_EQ(waiting_status, 499) << waiting_body;
  EXPECT_EQ(nlohmann::json::parse(waiting_body, nullptr, false).value("code", ""), "CANCELLED");
}

// Requests that overlap on one session cannot pile frames up in the gateway: twice the session's
// maxFramesInFlight (3) may wait, and a request beyond that is refused at once.
TEST_F(WebLiveTest, FramesWaitingInTheGatewayAreBounded) {
  OwnGateway gateway(server_.channel(), LiveSessionOptions());
  httplib::Client http("127.0.0.1", gateway.port());
  const std::string id = OpenSession(http, kAlice);
  ASSERT_FALSE(id.empty());
  worker_->set_hold(true);  // frames reach the worker and are never answered
  std::vector<std::thread> waiting;
  std::atomic<int> cancelled{0};
  for (int i = 0; i < 2; ++i) {
    waiting.emplace_back([&] {
      httplib::Client own("127.0.0.1", gateway.port());
      httplib::Result result = SendFrames(own, id, std::string(3 * 8, 'w'));
      if (result && result->status == 499) ++cancelled;
    });
  }
  absl::SleepFor(absl::Milliseconds(500));  // six frames handed in, none answered
  ExpectError(SendFrames(http, id, std::string(8, 'x')), 429, "RESOURCE_EXHAUSTED",
              "6 frames of this session are still waiting: wait for answers before sending "
              "more");
  gateway.calls().CancelAll();
  for (std::thread& thread : waiting) thread.join();
  EXPECT_EQ(cancelled.load(), 2);
}

}  // namespace
}  // namespace vmm::server::web
