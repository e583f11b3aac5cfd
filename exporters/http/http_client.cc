#include "zspan/exporters/http/http_client.hpp"

#include <curl/curl.h>
#include <zlib.h>

#include <algorithm>
#include <mutex>

namespace zspan {
namespace {

bool global_init() noexcept {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] { ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; });
  return ok;
}

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* user) noexcept {
  auto* body = static_cast<std::string*>(user);
  const std::size_t bytes = size * count;
  try {
    body->append(data, std::min(bytes, HttpResponse::kMaxBodyBytes - std::min(body->size(), HttpResponse::kMaxBodyBytes)));
  } catch (...) {
    return 0;  // curl reports a write error
  }
  return bytes;
}

bool retryable(CURLcode code) noexcept {
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CIPHER:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_OUT_OF_MEMORY:
      return false;
    default:
      return true;
  }
}

}  // namespace

struct HttpClient::Handle {
  CURL* curl = nullptr;
  curl_slist* headers = nullptr;
  char error[CURL_ERROR_SIZE] = {};

  ~Handle() {
    curl_slist_free_all(headers);
    if (curl) curl_easy_cleanup(curl);
  }
};

HttpClient::HttpClient(Options options) : options_(std::move(options)) { global_init(); }
HttpClient::~HttpClient() = default;

void HttpClient::forget_connection() noexcept { static_cast<void>(handle_.release()); }

HttpResponse HttpClient::post(std::string_view body, std::chrono::milliseconds timeout) noexcept {
  return request(&body, timeout);
}

HttpResponse HttpClient::get(std::chrono::milliseconds timeout) noexcept { return request(nullptr, timeout); }

HttpResponse HttpClient::request(const std::string_view* body, std::chrono::milliseconds timeout) noexcept {
  try {
    return perform(body, timeout);
  } catch (...) {
    HttpResponse r;
    r.error = "out of memory";
    return r;
  }
}

HttpResponse HttpClient::perform(const std::string_view* body, std::chrono::milliseconds timeout) {
  HttpResponse response;
  if (!handle_) {
    if (!global_init()) {
      response.error = "curl_global_init failed";
      return response;
    }
    auto handle = std::make_unique<Handle>();
    handle->curl = curl_easy_init();
    if (!handle->curl) {
      response.error = "curl_easy_init failed";
      return response;
    }
    auto add_header = [&](const std::string& line) {
      curl_slist* list = curl_slist_append(handle->headers, line.c_str());
      if (!list) throw std::bad_alloc();
      handle->headers = list;
    };
    if (!options_.content_type.empty()) add_header("Content-Type: " + options_.content_type);
    if (options_.gzip) add_header("Content-Encoding: gzip");
    add_header("Expect:");  // no 100-continue round trip before the body
    for (const auto& [name, value] : options_.headers) add_header(name + ": " + value);

    CURL* c = handle->curl;
    curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, handle->headers);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, handle->error);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &append_body);
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    if (!options_.user_agent.empty()) curl_easy_setopt(c, CURLOPT_USERAGENT, options_.user_agent.c_str());
    if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
    if (!options_.client_certificate_file.empty())
      curl_easy_setopt(c, CURLOPT_SSLCERT, options_.client_certificate_file.c_str());
    if (!options_.client_key_file.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, options_.client_key_file.c_str());
    handle_ = std::move(handle);
  }

  CURL* c = handle_->curl;
  std::optional<std::string> compressed;
  if (!body) {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else {
    std::string_view sent = *body;
    if (options_.gzip) {
      compressed = gzip_compress(sent);
      if (!compressed) {
        response.error = "gzip failed";
        return response;
      }
      sent = *compressed;
    }
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, sent.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(sent.size()));
  }
  const long timeout_ms = std::max<long>(1, static_cast<long>(timeout.count()));
  handle_->error[0] = '\0';
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   std::min(timeout_ms, std::max<long>(1, static_cast<long>(options_.connect_timeout.count()))));
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response.body);

  const CURLcode code = curl_easy_perform(c);
  if (code != CURLE_OK) {
    response.body.clear();
    response.error = handle_->error[0] != '\0' ? handle_->error : curl_easy_strerror(code);
    response.retryable_error = retryable(code);
    return response;
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  curl_off_t retry_after = 0;
  if (curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK && retry_after > 0)
    response.retry_after = std::chrono::seconds(retry_after);
  return response;
}

std::optional<std::string> gzip_compress(std::string_view data) noexcept {
  z_stream stream{};
  // windowBits 15 + 16: a gzip header and trailer around the deflate stream.
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return std::nullopt;
  std::optional<std::string> out;
  try {
    out.emplace(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out->data());
    stream.avail_out = static_cast<uInt>(out->size());
    if (deflate(&stream, Z_FINISH) == Z_STREAM_END)
      out->resize(stream.total_out);
    else
      out.reset();
  } catch (...) {
    out.reset();
  }
  deflateEnd(&stream);
  return out;
}

}  // namespace zspan
