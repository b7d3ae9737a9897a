// SqliteJobStore: inserts, lookups, paging and filters, compare-and-set updates, deletes, and
// that everything survives closing and reopening the database.
#include "server/sqlite_job_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "tests/server/temp_dir.h"

namespace vmm::server {
namespace {

JobRecord MakeJob(const std::string& id, const std::string& owner) {
  JobRecord job;
  job.id = id;
  job.owner = owner;
  job.display_name = "clip " + id;
  job.params.set_mode(vmm::v1::MODE_TEMPORAL);
  job.params.set_alpha(20);
  job.create_time = absl::FromUnixSeconds(1700000000);
  job.input_path = "/spool/inputs/" + id;
  job.input_size_bytes = 1234;
  job.input_sha256 = std::string(64, 'a');
  return job;
}

class JobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    store_.reset();
    absl::StatusOr<std::unique_ptr<SqliteJobStore>> store =
        SqliteJobStore::Open(dir_.Join("jobs.db"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  testing::TempDir dir_;
  std::unique_ptr<SqliteJobStore> store_;
};

TEST_F(JobStoreTest, InsertThenGetReturnsEveryField) {
  JobRecord job = MakeJob("a1", "alice");
  job.labels = {{"lab", "optics"}, {"run", "7"}};
  job.upload_id = "upload-0001";
  ASSERT_TRUE(store_->Insert(&job).ok());
  EXPECT_GT(job.sequence, 0);
  absl::StatusOr<JobRecord> got = store_->Get("a1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->owner, "alice");
  EXPECT_EQ(got->display_name, "clip a1");
  EXPECT_EQ(got->params.mode(), vmm::v1::MODE_TEMPORAL);
  EXPECT_EQ(got->params.alpha(), 20);
  EXPECT_EQ(got->labels, job.labels);
  EXPECT_EQ(got->state, JobState::kQueued);
  EXPECT_EQ(got->create_time, job.create_time);
  EXPECT_EQ(got->start_time, absl::InfinitePast());
  EXPECT_EQ(got->input_size_bytes, 1234);
  EXPECT_EQ(got->upload_id, "upload-0001");
}

// A measurement job keeps its analysis; a magnification job has none.
TEST_F(JobStoreTest, AMeasurementJobKeepsItsAnalysis) {
  JobRecord measured = MakeJob("m1", "alice");
  measured.output_format = vmm::v1::OUTPUT_FORMAT_JSON;
  measured.analysis.emplace();
  vmm::v1::AnalysisSpec::Region* region = measured.analysis->add_regions();
  region->set_name("clock");
  region->set_width(96);
  region->set_height(32);
  measured.analysis->set_sample_rate_hz(1900);
  ASSERT_TRUE(store_->Insert(&measured).ok());
  JobRecord magnified = MakeJob("a1", "alice");
  ASSERT_TRUE(store_->Insert(&magnified).ok());
  Reopen();
  absl::StatusOr<JobRecord> got = store_->Get("m1");
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->analysis.has_value());
  EXPECT_EQ(got->analysis->regions(0).name(), "clock");
  EXPECT_EQ(got->analysis->regions(0).width(), 96);
  EXPECT_EQ(got->analysis->sample_rate_hz(), 1900);
  EXPECT_EQ(got->output_format, vmm::v1::OUTPUT_FORMAT_JSON);
  absl::StatusOr<JobRecord> plain = store_->Get("a1");
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_FALSE(plain->analysis.has_value());
}

// A store made before measurement jobs existed (no analysis column) opens, keeps its jobs, and
// takes measurement jobs.
TEST_F(JobStoreTest, AStoreWithoutTheAnalysisColumnGetsIt) {
  JobRecord old = MakeJob("o1", "alice");
  ASSERT_TRUE(store_->Insert(&old).ok());
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.Join("jobs.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "ALTER TABLE jobs DROP COLUMN analysis;", nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
  Reopen();
  absl::StatusOr<JobRecord> kept = store_->Get("o1");
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_FALSE(kept->analysis.has_value());
  JobRecord measured = MakeJob("m2", "alice");
  measured.analysis.emplace();
  measured.analysis->set_max_peaks(3);
  ASSERT_TRUE(store_->Insert(&measured).ok());
  absl::StatusOr<JobRecord> got = store_->Get("m2");
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->analysis.has_value());
  EXPECT_EQ(got->analysis->max_peaks(), 3);
}

TEST_F(JobStoreTest, MissingJobIsNotFoundAndNamed) {
  absl::StatusOr<JobRecord> got = store_->Get("nope");
  EXPECT_EQ(got.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(got.status().message().find("jobs/nope"), std::string::npos);
}

TEST_F(JobStoreTest, DuplicateUploadIdOfOneOwnerIsRefused) {
  JobRecord first = MakeJob("a1", "alice");
  first.upload_id = "same-upload";
  ASSERT_TRUE(store_->Insert(&first).ok());
  JobRecord second = MakeJob("a2", "alice");
  second.upload_id = "same-upload";
  EXPECT_EQ(store_->Insert(&second).code(), absl::StatusCode::kAlreadyExists);
  JobRecord other_owner = MakeJob("b1", "bob");
  other_owner.upload_id = "same-upload";
  EXPECT_TRUE(store_->Insert(&other_owner).ok());
  absl::StatusOr<JobRecord> found = store_->FindByUploadId("alice", "same-upload");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, "a1");
}

TEST_F(JobStoreTest, UpdateIsCompareAndSetOnState) {
  JobRecord job = MakeJob("a1", "alice");
  ASSERT_TRUE(store_->Insert(&job).ok());
  job.state = JobState::kRunning;
  job.attempts = 1;
  job.worker_id = "w#1";
  ASSERT_TRUE(store_->Update(job, JobState::kQueued).ok());
  // A second transition from QUEUED loses: the job is RUNNING now.
  JobRecord stale = job;
  stale.state = JobState::kCancelled;
  absl::Status status = store_->Update(stale, JobState::kQueued);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("is RUNNING, not QUEUED"), std::string::npos) << status;
  EXPECT_EQ(store_->Get("a1")->state, JobState::kRunning);
  JobRecord missing = MakeJob("zz", "alice");
  EXPECT_EQ(store_->Update(missing, JobState::kQueued).code(), absl::StatusCode::kNotFound);
}

TEST_F(JobStoreTest, ListPagesNewestFirstAndFilters) {
  for (int i = 0; i < 5; ++i) {
    JobRecord job = MakeJob("a" + std::to_string(i), "alice");
    job.labels = {{"parity", i % 2 == 0 ? "even" : "odd"}};
    ASSERT_TRUE(store_->Insert(&job).ok());
  }
  JobRecord bob = MakeJob("b0", "bob");
  ASSERT_TRUE(store_->Insert(&bob).ok());

  JobQuery query;
  query.owner = "alice";
  query.limit = 2;
  absl::StatusOr<JobPage> page = store_->List(query);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->jobs.size(), 2u);
  EXPECT_EQ(page->jobs[0].id, "a4");
  EXPECT_EQ(page->jobs[1].id, "a3");
  ASSERT_GT(page->next_before_sequence, 0);
  query.before_sequence = page->next_before_sequence;
  page = store_->List(query);
  ASSERT_EQ(page->jobs.size(), 2u);
  EXPECT_EQ(page->jobs[0].id, "a2");
  query.before_sequence = page->next_before_sequence;
  page = store_->List(query);
  ASSERT_EQ(page->jobs.size(), 1u);
  EXPECT_EQ(page->jobs[0].id, "a0");
  EXPECT_EQ(page->next_before_sequence, 0);

  JobQuery labelled;
  labelled.owner = "alice";
  labelled.labels = {{"parity", "odd"}};
  page = store_->List(labelled);
  ASSERT_EQ(page->jobs.size(), 2u);
  EXPECT_EQ(page->jobs[0].id, "a3");
  EXPECT_EQ(page->jobs[1].id, "a1");

  JobRecord running = *store_->Get("a2");
  running.state = JobState::kRunning;
  ASSERT_TRUE(store_->Update(running, JobState::kQueued).ok());
  JobQuery by_state;
  by_state.state = JobState::kRunning;
  page = store_->List(by_state);
  ASSERT_EQ(page->jobs.size(), 1u);
  EXPECT_EQ(page->jobs[0].id, "a2");
}

TEST_F(JobStoreTest, CountActiveCountsAnOwnersQueuedAndRunningJobs) {
  for (const auto& [id, owner] : std::vector<std::pair<std::string, std::string>>{
           {"a0", "alice"}, {"b0", "bob"}, {"a1", "alice"}, {"b1", "bob"}}) {
    JobRecord job = MakeJob(id, owner);
    ASSERT_TRUE(store_->Insert(&job).ok());
  }
  JobRecord a0 = *store_->Get("a0");
  a0.state = JobState::kRunning;
  ASSERT_TRUE(store_->Update(a0, JobState::kQueued).ok());
  EXPECT_EQ(*store_->CountActive("alice"), 2);
}

TEST_F(JobStoreTest, EverythingSurvivesReopening) {
  JobRecord job = MakeJob("a1", "alice");
  job.labels = {{"k", "v"}};
  ASSERT_TRUE(store_->Insert(&job).ok());
  job.state = JobState::kSucceeded;
  job.end_time = absl::FromUnixSeconds(1700000100);
  job.result_path = "/spool/results/a1";
  job.result_size_bytes = 99;
  job.result_sha256 = std::string(64, 'b');
  ASSERT_TRUE(store_->Update(job, JobState::kQueued).ok());
  Reopen();
  absl::StatusOr<JobRecord> got = store_->Get("a1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->state, JobState::kSucceeded);
  EXPECT_EQ(got->end_time, absl::FromUnixSeconds(1700000100));
  EXPECT_EQ(got->result_size_bytes, 99);
  EXPECT_EQ(got->labels.at("k"), "v");
  JobQuery old;
  old.ended_before = absl::FromUnixSeconds(1700000200);
  EXPECT_EQ(store_->List(old)->jobs.size(), 1u);
  old.ended_before = absl::FromUnixSeconds(1700000050);
  EXPECT_TRUE(store_->List(old)->jobs.empty());
}

TEST_F(JobStoreTest, DeleteRemovesJobAndLabels) {
  JobRecord job = MakeJob("a1", "alice");
  job.labels = {{"k", "v"}};
  ASSERT_TRUE(store_->Insert(&job).ok());
  ASSERT_TRUE(store_->Delete("a1").ok());
  EXPECT_EQ(store_->Get("a1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->Delete("a1").code(), absl::StatusCode::kNotFound);
  // The id can be used again without stale labels.
  JobRecord again = MakeJob("a1", "alice");
  ASSERT_TRUE(store_->Insert(&again).ok());
  EXPECT_TRUE(store_->Get("a1")->labels.empty());
}

TEST(SqliteJobStoreOpenTest, UnwritablePathNamesTheFile) {
  absl::StatusOr<std::unique_ptr<SqliteJobStore>> store =
      SqliteJobStore::Open("/nonexistent-dir/sub/jobs.db");
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("/nonexistent-dir/sub/jobs.db"), std::string::npos);
}

}  // namespace
}  // namespace vmm::server
