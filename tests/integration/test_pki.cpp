#include "test_pki.h"

namespace tern::test {

std::unique_ptr<TempDir> make_test_pki(const std::string& ca_subject,
                                       const std::vector<TestLeaf>& leaves, std::string* error) {
  auto dir = std::make_unique<TempDir>();
  std::string script = "set -e\ncd '" + dir->path() +
                       "'\n"
                       "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                       "-keyout ca.key -out ca.pem -days 2 -subj '" +
                       ca_subject + "' 2>/dev/null\n";
  for (const TestLeaf& l : leaves) {
    script += "openssl req -newkey " + l.key + " -nodes -keyout '" + l.name + ".key' -out '" +
              l.name + ".csr' -subj '" + l.subject + "' 2>/dev/null\n";
    script += "printf '%s\\n' '" + l.extensions + "' > '" + l.name + ".ext'\n";
    script += "openssl x509 -req -in '" + l.name + ".csr' -CA ca.pem -CAkey ca.key " +
              "-CAcreateserial -out '" + l.name + ".pem' -days 2 -extfile '" + l.name +
              ".ext' 2>/dev/null\n";
  }
  ProcessResult r = run_process({"/bin/sh", "-c", script}, 60000);
  if (r.exit_code != 0) {
    *error += r.output;
    return nullptr;
  }
  return dir;
}

TestLeaf leaf_for_host(const std::string& name, const std::string& host,
                       const std::string& subject_prefix) {
  return TestLeaf{name, subject_prefix + "/CN=" + host, "subjectAltName=DNS:" + host};
}

}  // namespace tern::test
