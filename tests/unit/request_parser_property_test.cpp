// Property test: random valid requests parse identically whether delivered whole or cut at
// random read boundaries, and yield what the generator put in.

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "request_parser_test_util.h"

namespace tern {
namespace {

using testing::drive;
using testing::ParsedRequest;

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}

  size_t below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool chance(int percent) { return below(100) < static_cast<size_t>(percent); }
  char pick(std::string_view s) { return s[below(s.size())]; }

  std::string token(size_t max_len) {
    static constexpr std::string_view kTchars =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~";
    std::string s;
    const size_t n = 1 + below(max_len);
    for (size_t i = 0; i < n; ++i) s += pick(kTchars);
    return s;
  }

  std::string segment() {
    static constexpr std::string_view kPchars =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@";
    std::string s;
    const size_t n = below(10);
    for (size_t i = 0; i < n; ++i) {
      if (chance(10)) {
        s += '%';
        s += pick("0123456789abcdefABCDEF");
        s += pick("0123456789abcdefABCDEF");
      } else {
        s += pick(kPchars);
      }
    }
    return s;
  }

  std::string host() {
    switch (below(4)) {
      case 0:
        return "[::1]";
      case 1:
        return std::to_string(below(256)) + ".0.0." + std::to_string(below(256));
      default: {
        std::string h = token(8);
        for (char& c : h) {
          if (!std::isalnum(static_cast<unsigned char>(c))) c = 'x';
        }
        return h + ".example";
      }
    }
  }

  std::string field_value() {
    std::string v;
    const size_t n = below(30);
    for (size_t i = 0; i < n; ++i) {
      const size_t k = below(20);
      if (k == 0) {
        v += ' ';
      } else if (k == 1) {
        v += '\t';
      } else if (k == 2) {
        v += static_cast<char>(0x80 + below(128));
      } else {
        v += static_cast<char>(0x21 + below(0x7e - 0x21 + 1));
      }
    }
    // Field values do not start or end with whitespace once trimmed.
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.erase(0, 1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.pop_back();
    return v;
  }

  std::string ows() { return std::string(below(3), chance(50) ? ' ' : '\t'); }

  std::string bytes(size_t n) {
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(below(256));
    return s;
  }

  // One random valid request; `expect` receives what the parser must report.
  std::string request(ParsedRequest& expect) {
    static const char* kMethods[] = {"GET",     "HEAD",  "POST",     "PUT",   "DELETE",
                                     "OPTIONS", "PATCH", "PROPFIND", "TRACE", "M-SEARCH"};
    expect = ParsedRequest{};
    std::string wire;
    if (chance(10)) wire += "\r\n";
    const std::string method = kMethods[below(std::size(kMethods))];
    const bool http10 = chance(15);
    const std::string host_value = host() + (chance(30) ? ":" + std::to_string(below(65536)) : "");
    std::string path = "/";
    for (size_t i = below(4); i > 0; --i) path += segment() + (chance(70) ? "/" : "");
    std::string target = path;
    expect.path = path;
    if (chance(40)) {
      const std::string query = segment() + "/?" + segment();
      target += "?" + query;
      expect.query = query;
      expect.has_query = true;
    }
    expect.host = host_value;
    if (method == "OPTIONS" && chance(30)) {
      target = expect.path = "*";
      expect.query.clear();
      expect.has_query = false;
    } else if (chance(15)) {
      const std::string authority = host() + ":8080";
      target = (chance(50) ? "http://" : "HTTPS://") + authority + target;
      expect.host = authority;
    }
    expect.method_name = method;
    expect.target = target;
    expect.request_line = method + " " + target + (http10 ? " HTTP/1.0" : " HTTP/1.1");
    expect.version_minor = http10 ? 0 : 1;
    wire += expect.request_line + "\r\n";

    std::vector<std::pair<std::string, std::string>> fields;
    const bool host_first = chance(50);
    if (host_first) fields.emplace_back(chance(50) ? "Host" : "host", host_value);
    for (size_t i = below(8); i > 0; --i) {
      std::string name = token(12);
      // Avoid names with framing meaning.
      if (name.size() == 4 || name.size() == 6 || name.size() == 10 || name.size() == 14 ||
          name.size() == 17) {
        name += "-x";
      }
      fields.emplace_back(name, field_value());
    }
    if (!host_first) fields.emplace_back("Host", host_value);
    const bool close = chance(20);
    const bool keep_alive_10 = http10 && chance(50);
    if (close) fields.emplace_back("Connection", "close");
    if (keep_alive_10) fields.emplace_back("Connection", "keep-alive");
    expect.keep_alive = !close && (!http10 || keep_alive_10);

    std::string body_wire;
    const size_t body_kind = below(3);
    if (body_kind == 1) {
      expect.body = bytes(below(200));
      expect.content_length = static_cast<long long>(expect.body.size());
      fields.emplace_back("Content-Length", std::to_string(expect.body.size()));
      body_wire = expect.body;
    } else if (body_kind == 2 && !http10) {
      expect.chunked = true;
      fields.emplace_back("Transfer-Encoding", chance(50) ? "chunked" : "Chunked");
      for (size_t i = below(5); i > 0; --i) {
        const std::string data = bytes(1 + below(60));
        expect.body += data;
        char size[32];
        std::snprintf(size, sizeof size, chance(50) ? "%zx" : "%zX", data.size());
        body_wire += size;
        if (chance(30)) body_wire += ";" + token(5) + (chance(50) ? "=" + token(5) : "");
        if (chance(10)) body_wire += " ; q=\"a b\\\"c\"";
        body_wire += "\r\n" + data + "\r\n";
      }
      body_wire += "0\r\n";
      for (size_t i = below(3); i > 0; --i)
        body_wire += token(8) + ":" + ows() + field_value() + "\r\n";
      body_wire += "\r\n";
    }
    if (chance(10)) {
      fields.emplace_back("Expect", "100-continue");
      expect.expect_continue = !http10;
    }
    for (const auto& [name, value] : fields) {
      // llhttp refuses HTAB after a Content-Length value (a harmless strictness): use SP.
      const std::string trailing = name == "Content-Length" ? std::string(below(3), ' ') : ows();
      wire += name + ":" + ows() + value + trailing + "\r\n";
      expect.headers.emplace_back(name, value);
    }
    wire += "\r\n" + body_wire;
    return wire;
  }

  std::vector<size_t> cuts(size_t size) {
    std::vector<size_t> c;
    if (size == 0) return c;
    for (size_t i = below(8); i > 0; --i) c.push_back(below(size));
    std::sort(c.begin(), c.end());
    return c;
  }

 private:
  std::mt19937 rng_;
};

TEST(RequestParserProperty, RandomRequestsParseTheSameWholeOrSplit) {
  Gen gen(20261126);
  std::string stream;
  std::vector<ParsedRequest> expected;
  for (int i = 0; i < 500; ++i) {
    ParsedRequest expect;
    const std::string wire = gen.request(expect);
    const auto whole = drive(wire, {});
    ASSERT_EQ(whole.size(), 1u) << i << ": " << wire;
    ASSERT_EQ(whole[0], expect) << i << ": " << wire;
    const auto split = drive(wire, gen.cuts(wire.size()));
    ASSERT_EQ(split.size(), 1u) << i;
    ASSERT_EQ(split[0], whole[0]) << i;
    stream += wire;
    expected.push_back(expect);
  }
  // All 500 pipelined in one stream, whole and cut into many reads.
  std::string leftover;
  EXPECT_EQ(drive(stream, {}, {}, &leftover), expected);
  EXPECT_TRUE(leftover.empty());
  std::vector<size_t> cuts;
  for (size_t pos = 0; pos < stream.size(); pos += 1 + gen.below(700)) cuts.push_back(pos);
  EXPECT_EQ(drive(stream, cuts), expected);
}

// Streams that end in errors, pipelines and bodies, each cut into two and three reads at
// every point: the outcome (every request's fields and body, the final error's status and
// reason) equals the outcome of the whole stream, with tern's default limits and small ones.
TEST(RequestParserProperty, TrickyStreamsParseTheSameAtEverySplit) {
  const std::string kTricky[] = {
      std::string("PRI /x HTT\r\r\n\r\xff\xff\xff\n\xff"),  // the fuzzer's first finding
      "PRI /x HTTX\r\n\r\n",
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
      "DESCRIBE / HTTP/1.1\r\nHost: h\r\n\r\n",
      "FOO /x HTT\r\r\n",
      "G(T / HTTP/1.1\r\n\r\n",
      "\r\n\r\n\rGET / HTTP/1.1\r\n\r\n",
      "\r\nGET / HTTP/1.1\r\nHost: h\r\nX: a\r\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\n b\r\n\r\n",
      "GET / HTTP/1.1\nHost: h\n\n",
      "GET /\r\n\r\n",
      "GET / HTTP/1.1 \r\nHost: h\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nX : a\r\n\r\n",
      "GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\rb HTTP/1.1\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nX-Long: aaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\nHost: h\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3;e=1\r\nabc\r\n0\r\nT: v\r\n\r\nHEAD / HTTP/1.0\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\n0\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n",
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nExpect: x\r\n\r\nZ",
      "GET / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n\r\r\n",
  };
  ParserLimits small;
  small.request_line = 32;
  small.field_size = 24;
  small.fields = 4;
  small.body = 16;
  small.chunk_ext = 4;
  small.trailer_size = 16;
  for (const ParserLimits& limits : {ParserLimits{}, small}) {
    for (const std::string& in : kTricky) {
      const auto whole = drive(in, {}, limits);  // empty when a body is still awaited
      for (size_t a = 0; a <= in.size(); ++a) {
        ASSERT_EQ(drive(in, {a}, limits), whole) << in << " cut at " << a;
        for (size_t b = a + 1; b < in.size(); b += 3) {
          ASSERT_EQ(drive(in, {a, b}, limits), whole) << in << " cut at " << a << ", " << b;
        }
      }
    }
  }
}

// The parser checks a common head in one pass and leaves every other head to llhttp; only a
// head complete in the first input takes that path. So a head parsed whole (one pass when
// it qualifies) and the same head cut after its first byte (llhttp) must give the same
// outcome. Heads that qualify are mutated a few bytes at a time around what qualifies:
// methods, target and value bytes, separators, the fields llhttp interprets, line ends.
TEST(RequestParserProperty, OnePassHeadsParseAsLlhttpDoes) {
  Gen g(20261201);
  static constexpr std::string_view kNear = " \t\r\n:/?#%\"<>\\^`{|}[]@!$&'()*+,;=-._~HhTtPp01";
  static constexpr std::string_view kSpecial[] = {
      "Content-Length: 5",          "content-length: 0",
      "Transfer-Encoding: chunked", "TRANSFER-ENCODING: gzip",
      "Connection: keep-alive",     "connection: close",
      "Connection: Upgrade",        "Connection: keep-alive, upgrade",
      "Connection: Close, TE",      "Connection:",
      "CONNECTION: KEEP-ALIVE",     "Upgrade: websocket",
      "Proxy-Connection: x",        "Content-Length: 1x",
      "Expect: 100-continue",       "Host: a",
      "X-Content-Length: 1"};
  static constexpr std::string_view kMethods[] = {"GET", "HEAD", "POST", "PUT", "GETS", "get"};
  int accepted = 0;
  int refused = 0;
  for (int iter = 0; iter < 60000; ++iter) {
    std::string head(kMethods[g.below(4) == 0 ? g.below(std::size(kMethods)) : g.below(3)]);
    head += " /" + g.segment();
    if (g.chance(50)) head += "/" + g.segment();
    if (g.chance(30)) head += "?" + g.segment() + "=" + g.segment();
    head += g.chance(80) ? " HTTP/1.1\r\n" : " HTTP/1.0\r\n";
    if (g.chance(90)) head += "Host: " + g.host() + "\r\n";
    for (size_t n = g.below(5); n > 0; --n) {
      if (g.chance(15)) {
        head += std::string(kSpecial[g.below(std::size(kSpecial))]) + "\r\n";
      } else {
        head += g.token(12) + ":" + (g.chance(70) ? " " : "") + g.field_value() + "\r\n";
      }
    }
    head += "\r\n";
    for (size_t m = g.below(4); m > 0; --m) {
      const size_t at = g.below(head.size());
      const char c = g.chance(70) ? g.pick(kNear) : static_cast<char>(g.below(256));
      switch (g.below(3)) {
        case 0:
          head[at] = c;
          break;
        case 1:
          head.insert(head.begin() + static_cast<std::ptrdiff_t>(at), c);
          break;
        default:
          head.erase(at, 1);
          break;
      }
    }
    const auto whole = drive(head, {});
    ASSERT_EQ(drive(head, {1}), whole) << head;
    if (!whole.empty() && whole.front().error_status == 0) {
      ++accepted;
    } else {
      ++refused;
    }
  }
  // Both sides of the boundary were exercised.
  EXPECT_GT(accepted, 6000);
  EXPECT_GT(refused, 6000);
}

}  // namespace
}  // namespace tern
