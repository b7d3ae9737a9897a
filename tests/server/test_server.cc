#include "tests/server/test_server.h"

#include <filesystem>
#include <fstream>
#include <random>

#include "common/sha256.h"

namespace vmm::server::testing {

std::string Sha256Hex(const std::string& bytes) {
  common::Sha256 hash;
  hash.Update(bytes);
  return hash.HexDigest();
}

std::string RandomBytes(size_t size, uint32_t seed) {
  std::mt19937 generator(seed);
  std::string bytes(size, '\0');
  for (char& byte : bytes) byte = static_cast<char>(generator() & 0xff);
  return bytes;
}

std::string WriteTokensFile(const TempDir& dir) {
  const std::string path = dir.Join("tokens");
  std::ofstream(path) << kAlice << " alice\n" << kBob << " bob\n" << kWorker << " @worker\n";
  return path;
}

std::string MakeInputRootWithClip(const TempDir& roots) {
  const std::string root = roots.Join("allowed");
  std::filesystem::create_directories(root);
  std::ofstream(roots.Join("allowed/clip.mp4")) << "not really a video";
  return root;
}

std::unique_ptr<grpc::ClientContext> Context(const std::string& token, absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

TestServer::TestServer(std::function<void(ServerOptions*)> adjust, const std::string& data_dir)
    : app_(absl::UnknownError("not started")) {
  options_.listen_address = "127.0.0.1";
  options_.port = 0;
  options_.metrics_port = -1;
  options_.local_workers = 0;
  options_.data_dir = data_dir.empty() ? dir_.Join("data") : data_dir;
  options_.shutdown_grace = absl::Seconds(2);
  // The web gateway on a free port of its own: every test server starts and stops it too.
  options_.web.port = 0;
  options_.web.port_given = true;
  options_.web.threads = 4;
  if (adjust) adjust(&options_);
  app_ = ServerApp::Start(options_);
  if (!app_.ok()) return;
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(-1);
  channel_ = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", (*app_)->port()),
                                       grpc::InsecureChannelCredentials(), arguments);
  api_ = vmm::v1::MagnificationService::NewStub(channel_);
}

TestServer::~TestServer() {
  if (app_.ok()) (*app_)->Shutdown();
}

absl::StatusOr<vmm::v1::Job> TestServer::Submit(vmm::v1::JobSpec spec, const std::string& bytes,
                                                const std::string& token, size_t chunk) {
  if (spec.input_size_bytes() == 0 && spec.server_path().empty()) {
    spec.set_input_size_bytes(static_cast<int64_t>(bytes.size()));
  }
  if (spec.input_sha256().empty() && spec.server_path().empty()) {
    spec.set_input_sha256(Sha256Hex(bytes));
  }
  auto context = Context(token);
  vmm::v1::Job job;
  auto writer = api_->SubmitJob(context.get(), &job);
  vmm::v1::SubmitJobRequest first;
  *first.mutable_spec() = spec;
  writer->Write(first);
  for (size_t offset = 0; offset < bytes.size(); offset += chunk) {
    vmm::v1::SubmitJobRequest message;
    message.set_chunk(bytes.substr(offset, chunk));
    if (!writer->Write(message)) break;
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok())
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  return job;
}

absl::StatusOr<vmm::v1::Job> TestServer::Get(const std::string& name, const std::string& token) {
  auto context = Context(token);
  vmm::v1::GetJobRequest request;
  request.set_name(name);
  vmm::v1::Job job;
  grpc::Status status = api_->GetJob(context.get(), request, &job);
  if (!status.ok())
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  return job;
}

namespace {

// A DownloadResult request for job `name` from `offset`; `input`: the job's input.
vmm::v1::DownloadResultRequest DownloadRequest(const std::string& name, int64_t offset,
                                               bool input) {
  vmm::v1::DownloadResultRequest request;
  request.set_name(name);
  request.set_offset(offset);
  request.set_input(input);
  return request;
}

}  // namespace

absl::StatusOr<std::string> TestServer::Download(const std::string& name, int64_t offset,
                                                 vmm::v1::DownloadResultResponse* first,
                                                 const std::string& token) {
  return Receive(DownloadRequest(name, offset, /*input=*/false), first, token);
}

absl::StatusOr<std::string> TestServer::DownloadInput(const std::string& name, int64_t offset,
                                                      vmm::v1::DownloadResultResponse* first,
                                                      const std::string& token) {
  return Receive(DownloadRequest(name, offset, /*input=*/true), first, token);
}

absl::StatusOr<std::string> TestServer::Receive(const vmm::v1::DownloadResultRequest& request,
                                                vmm::v1::DownloadResultResponse* first,
                                                const std::string& token) {
  const int64_t offset = request.offset();
  auto context = Context(token);
  auto reader = api_->DownloadResult(context.get(), request);
  std::string bytes;
  vmm::v1::DownloadResultResponse message;
  bool is_first = true;
  while (reader->Read(&message)) {
    if (is_first && first != nullptr) *first = message;
    is_first = false;
    if (message.offset() != offset + static_cast<int64_t>(bytes.size())) {
      return absl::DataLossError("chunk offsets are not contiguous");
    }
    bytes += message.chunk();
  }
  grpc::Status status = reader->Finish();
  if (!status.ok())
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  return bytes;
}

FakeWorker::FakeWorker(std::shared_ptr<grpc::Channel> channel, int max_jobs, int max_live,
                       const std::string& token)
    : token_(token), stub_(vmm::v1::WorkerService::NewStub(channel)) {
  context_ = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) context_->AddMetadata("authorization", "Bearer " + token);
  stream_ = stub_->Connect(context_.get());
  vmm::v1::WorkerMessage hello;
  vmm::v1::Register* request = hello.mutable_register_();
  request->set_worker_name("fake");
  request->set_device("cpu");
  request->set_batch_size(4);
  request->set_max_jobs(max_jobs);
  request->set_max_live_sessions(max_live);
  stream_->Write(hello);
  reader_ = std::thread([this]() { ReadLoop(); });
}

FakeWorker::~FakeWorker() { Close(); }

void FakeWorker::ReadLoop() {
  vmm::v1::ServerMessage message;
  while (stream_->Read(&message)) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (message.has_registered()) {
      worker_id_ = message.registered().worker_id();
    } else {
      inbox_.push_back(message);
    }
    changed_.notify_all();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  ended_ = true;
  changed_.notify_all();
}

bool FakeWorker::WaitRegistered() {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, std::chrono::seconds(10), [&]() {
    return !worker_id_.empty() || ended_;
  }) && !worker_id_.empty();
}

std::optional<vmm::v1::ServerMessage> FakeWorker::Next(absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!changed_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                         [&]() { return !inbox_.empty(); })) {
    return std::nullopt;
  }
  vmm::v1::ServerMessage message = inbox_.front();
  inbox_.pop_front();
  return message;
}

bool FakeWorker::Send(const vmm::v1::WorkerMessage& message) { return stream_->Write(message); }

absl::StatusOr<std::string> FakeWorker::ReadInput(const std::string& job_id, int64_t offset) {
  auto context = Context(token_);
  vmm::v1::ReadInputRequest request;
  request.set_worker_id(worker_id_);
  request.set_job_id(job_id);
  request.set_offset(offset);
  auto reader = stub_->ReadInput(context.get(), request);
  std::string bytes;
  vmm::v1::InputChunk chunk;
  while (reader->Read(&chunk)) bytes += chunk.data();
  grpc::Status status = reader->Finish();
  if (!status.ok())
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  return bytes;
}

absl::StatusOr<vmm::v1::WriteResultResponse> FakeWorker::WriteResult(const std::string& job_id,
                                                                     const std::string& bytes) {
  auto context = Context(token_);
  vmm::v1::WriteResultResponse response;
  auto writer = stub_->WriteResult(context.get(), &response);
  vmm::v1::WriteResultRequest header;
  header.mutable_header()->set_worker_id(worker_id_);
  header.mutable_header()->set_job_id(job_id);
  header.mutable_header()->set_size_bytes(static_cast<int64_t>(bytes.size()));
  header.mutable_header()->set_sha256(Sha256Hex(bytes));
  writer->Write(header);
  for (size_t offset = 0; offset < bytes.size(); offset += 65536) {
    vmm::v1::WriteResultRequest chunk;
    chunk.set_chunk(bytes.substr(offset, 65536));
    if (!writer->Write(chunk)) break;
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok())
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  return response;
}

std::optional<grpc::Status> FakeWorker::WaitEnded(absl::Duration timeout) {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!changed_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&]() { return ended_; })) {
      return std::nullopt;
    }
  }
  return Close();
}

grpc::Status FakeWorker::Close() {
  if (closed_) return final_status_.value_or(grpc::Status::OK);
  closed_ = true;
  stream_->WritesDone();
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!changed_.wait_for(lock, std::chrono::seconds(5), [&]() { return ended_; })) {
      context_->TryCancel();
    }
  }
  reader_.join();
  final_status_ = stream_->Finish();
  return *final_status_;
}

}  // namespace vmm::server::testing
