#include "tests/support/metrics_text.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>

namespace vmm::test_support {

std::string HttpGetMetricsResponse(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return "";
  }
  const std::string request = "GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n";
  if (write(fd, request.data(), request.size()) < 0) {
    close(fd);
    return "";
  }
  std::string response;
  char buffer[8192];
  ssize_t got;
  while ((got = read(fd, buffer, sizeof(buffer))) > 0) response.append(buffer, got);
  close(fd);
  return response;
}

std::string HttpGetMetrics(int port) {
  const std::string response = HttpGetMetricsResponse(port);
  const size_t body = response.find("\r\n\r\n");
  return body == std::string::npos ? "" : response.substr(body + 4);
}

std::set<std::string> ExposedMetricNames(const std::string& text, const std::string& prefix) {
  const std::string marker = "# TYPE " + prefix;
  std::set<std::string> names;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(marker, 0) == 0) names.insert(line.substr(7, line.find(' ', 7) - 7));
  }
  return names;
}

std::set<std::string> DocumentedMetricNames(const std::string& docs_path,
                                            const std::string& section) {
  std::ifstream doc(docs_path);
  std::string line;
  bool inside = false;
  std::set<std::string> names;
  const std::regex row(R"(^\|\s*(vmm_[a-z_]+)\s*\|)");
  while (std::getline(doc, line)) {
    if (line.rfind("## ", 0) == 0) inside = line.find(section) != std::string::npos;
    std::smatch match;
    if (inside && std::regex_search(line, match, row)) names.insert(match[1]);
  }
  return names;
}

}  // namespace vmm::test_support
