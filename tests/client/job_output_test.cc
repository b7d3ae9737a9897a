// How the remote commands show jobs: control characters in names, labels and reasons are shown
// as \xNN, never passed to the terminal, and UTF-8 text is kept; parameters by the CLI's names.
#include "client/remote/job_output.h"

#include <sstream>

#include "gtest/gtest.h"

namespace vmm::client {
namespace {

TEST(JobOutputTest, ControlCharactersAreShownNotSentToTheTerminal) {
  EXPECT_EQ(Printable("plain name"), "plain name");
  EXPECT_EQ(Printable("bridge \xc3\xa9t\xc3\xa9"), "bridge \xc3\xa9t\xc3\xa9");  // UTF-8 kept
  EXPECT_EQ(Printable("a\x1b[2Jb"), "a\\x1b[2Jb");                        // clear screen
  EXPECT_EQ(Printable(std::string("x\ny\rz\t\x7f\0", 8)), "x\\x0ay\\x0dz\\x09\\x7f\\x00");
}

TEST(JobOutputTest, TablesAndDetailsShowNamesPrintably) {
  vmm::v1::Job job;
  job.set_name("jobs/abc");
  job.set_display_name("evil\x1b]0;title\x07name");
  (*job.mutable_labels())["site"] = "lab\n2";
  job.set_failure_reason("bad\rinput");
  std::ostringstream table, details;
  PrintJobTable({job}, table);
  PrintJob(job, details);
  for (const std::string& text : {table.str(), details.str()}) {
    EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
    EXPECT_EQ(text.find('\x07'), std::string::npos) << text;
    EXPECT_EQ(text.find('\r'), std::string::npos) << text;
    EXPECT_NE(text.find("evil\\x1b]0;title\\x07name"), std::string::npos) << text;
  }
  EXPECT_NE(details.str().find("site=lab\\x0a2"), std::string::npos) << details.str();
  EXPECT_NE(details.str().find("bad\\x0dinput"), std::string::npos) << details.str();
}

TEST(JobOutputTest, ParamsUseTheNamesVmmMagnifyAccepts) {
  vmm::v1::Job job;
  job.set_name("jobs/abc");
  vmm::v1::MagnifyParams& params = *job.mutable_params();
  params.set_method(vmm::v1::METHOD_RIESZ);
  params.set_mode(vmm::v1::MODE_TEMPORAL);
  params.set_filter(vmm::v1::FILTER_BUTTERWORTH);
  params.set_alpha(20);
  params.set_low_hz(0.5);
  params.set_high_hz(3);
  params.set_sample_rate_hz(30);
  std::ostringstream details;
  PrintJob(job, details);
  EXPECT_NE(details.str().find("riesz, temporal, alpha 20, butter 0.5-3 Hz at fs 30"),
            std::string::npos)
      << details.str();

  // A value from a newer server is named as unknown, not as a default it is not.
  params.set_method(static_cast<vmm::v1::Method>(99));
  params.set_mode(vmm::v1::MODE_DYNAMIC);
  std::ostringstream newer;
  PrintJob(job, newer);
  EXPECT_NE(newer.str().find("unknown, dynamic, alpha 20"), std::string::npos) << newer.str();
}

}  // namespace
}  // namespace vmm::client
