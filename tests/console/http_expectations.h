// Expectations on the web gateway's HTTP answers, shared by the gateway's tests.
#pragma once

#include <string>

#include <gtest/gtest.h>
#include "httplib.h"
#include <nlohmann/json.hpp>

namespace vmm::server::web {

// Expects an error body {"code": code, "message": message} with HTTP status `status`.
inline void ExpectError(const httplib::Result& result, int status, const std::string& code,
                        const std::string& message) {
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, status) << result->body;
  const nlohmann::json body = nlohmann::json::parse(result->body, nullptr, false);
  EXPECT_EQ(body.value("code", ""), code) << result->body;
  EXPECT_EQ(body.value("message", ""), message) << result->body;
}

}  // namespace vmm::server::web
