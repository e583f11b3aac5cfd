#include "zspan/instrument/http/curl_client.hpp"

#include <charconv>
#include <iterator>
#include <memory>

#include <fmt/format.h>

#include "zspan/instrument/http/server_span.hpp"

namespace zspan::http {
namespace {

struct CurlFree {
  void operator()(char* p) const noexcept { curl_free(p); }
};
using CurlString = std::unique_ptr<char, CurlFree>;

struct UrlCleanup {
  void operator()(CURLU* u) const noexcept { curl_url_cleanup(u); }
};
using Url = std::unique_ptr<CURLU, UrlCleanup>;

struct SlistFree {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistFree>;

CurlString url_part(CURLU* url, CURLUPart part, unsigned flags = 0) noexcept {
  char* out = nullptr;
  if (curl_url_get(url, part, &out, flags) != CURLUE_OK) return nullptr;
  return CurlString(out);
}

std::string_view view(const CurlString& s) noexcept { return s ? std::string_view(s.get()) : std::string_view(); }

// RFC 9110 §5.6.2.
bool is_token(std::string_view s) noexcept {
  constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  if (s.empty()) return false;
  for (const char c : s) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && kSymbols.find(c) == std::string_view::npos) return false;
  }
  return true;
}

void set_method(CURL* curl, std::string_view method) noexcept {
  if (method == "GET" || method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, static_cast<char*>(nullptr));
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);  // also resets NOBODY and POST
    if (method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    return;
  }
  curl_easy_setopt(curl, CURLOPT_NOBODY, 0L);
  if (method == "POST") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, static_cast<char*>(nullptr));
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    return;
  }
  // Copied by curl; a token, so at most 64 bytes are kept here with the NUL.
  char buffer[65] = {};
  method.copy(buffer, sizeof(buffer) - 1);
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, buffer);
}

// The trace headers, appended to curl's list as "name: value" lines.
struct HeaderLines {
  curl_slist* lines = nullptr;

  void add(std::string_view name, std::string_view value) noexcept {
    try {
      fmt::basic_memory_buffer<char, 512> line;
      fmt::format_to(std::back_inserter(line), "{}: {}", name, value);
      line.push_back('\0');
      if (curl_slist* grown = curl_slist_append(lines, line.data())) {
        lines = grown;
        return;
      }
    } catch (...) {
      // A line over 512 bytes (a long baggage) could not grow: as curl out of memory.
    }
    detail::count_lost_header();
  }
};

}  // namespace

CurlClient::CurlClient() noexcept : CurlClient(PeerWhitelist::configured()) {}
CurlClient::CurlClient(PeerWhitelist peers) noexcept : CurlClient(std::move(peers), ConfiguredPropagator::installed()) {}
CurlClient::CurlClient(PeerWhitelist peers, const ConfiguredPropagator& propagator) noexcept
    : peers_(std::move(peers)), propagator_(propagator) {}

CURLcode CurlClient::perform(CURL* curl, std::string_view method, const char* url, curl_slist* headers) const noexcept {
  const Route route = Route::of_method(method);
  zspan::detail::InheritTracer tracer;
  BasicScopedSpan<kHttpSpanFieldBytes> span(tracer, route.callsite());
  span.tag(tags::span_kind, "client");
  span.tag(tags::http_method, route.method());
  if (!route.known_method()) span.tag(semconv::http_request_method_original, method.substr(0, 64));

  const auto refuse = [&](CURLcode code, std::string_view why) {
    detail::count_refused_request();
    span.tag(semconv::error_type, why);
    span.log_error("request refused: {}", why);
    return code;
  };
  if (!curl) return refuse(CURLE_BAD_FUNCTION_ARGUMENT, "no curl handle");
  if (!is_token(method) || method.size() > 64) return refuse(CURLE_BAD_FUNCTION_ARGUMENT, "method is not a token");
  if (!url) return refuse(CURLE_URL_MALFORMAT, "no URL");

  const Url parsed(curl_url());
  if (!parsed) return refuse(CURLE_OUT_OF_MEMORY, "out of memory");
  if (const CURLUcode rc = curl_url_set(parsed.get(), CURLUPART_URL, url, CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME);
      rc != CURLUE_OK)
    return refuse(CURLE_URL_MALFORMAT, curl_url_strerror(rc));
  const CurlString scheme = url_part(parsed.get(), CURLUPART_SCHEME);
  if (view(scheme) != "http" && view(scheme) != "https") return refuse(CURLE_UNSUPPORTED_PROTOCOL, "scheme is not http(s)");
  const CurlString host_part = url_part(parsed.get(), CURLUPART_HOST);
  const CurlString port = url_part(parsed.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  std::string_view host = view(host_part);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);

  if (span.recording()) {
    span.tag(semconv::server_address, host);
    int port_number = 0;
    std::from_chars(view(port).data(), view(port).data() + view(port).size(), port_number);
    span.tag(semconv::server_port, port_number);
    if (const Url shown{curl_url_dup(parsed.get())}) {
      curl_url_set(shown.get(), CURLUPART_USER, nullptr, 0);
      curl_url_set(shown.get(), CURLUPART_PASSWORD, nullptr, 0);
      span.tag(tags::http_url, view(url_part(shown.get(), CURLUPART_URL)));
    }
  }

  HeaderLines trace_headers;
  auto carrier = callback_carrier([](auto&&) {}, [&](std::string_view name, std::string_view value) {
    trace_headers.add(name, value);
  });
  inject(span.context(), carrier, propagator_, peers_.trust(host));
  const Slist owned(trace_headers.lines);
  curl_slist* tail = headers;
  while (tail && tail->next) tail = tail->next;
  if (tail) tail->next = trace_headers.lines;

  curl_easy_setopt(curl, CURLOPT_URL, url);
  curl_easy_setopt(curl, CURLOPT_CURLU, parsed.get());
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers ? headers : trace_headers.lines);
  set_method(curl, method);
  const CURLcode rc = curl_easy_perform(curl);
  if (tail) tail->next = nullptr;
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_CURLU, static_cast<CURLU*>(nullptr));

  if (rc != CURLE_OK) {
    span.tag(semconv::error_type, curl_easy_strerror(rc));
    span.log_error("{}", curl_easy_strerror(rc));
    return rc;
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  span.tag(tags::http_status_code, status);
  if (status >= 400) {
    char text[8];
    const auto end = std::to_chars(text, text + sizeof(text), status).ptr;
    span.tag(semconv::error_type, std::string_view(text, end - text));
    span.set_error();
  }
  return rc;
}

}  // namespace zspan::http
