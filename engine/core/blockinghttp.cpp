#include "blockinghttp.h"

#include "stoptoken.h"

#include <curl/curl.h>

#include <algorithm>
#include <mutex>
#include <vector>

namespace salesflow::net {

namespace {

/// Each thread's libcurl handles: the multi handle keeps the thread's open connections (reused
/// from one call to the next), the easy handles (one per exchange in flight) are reset before use.
struct ThreadHandles
{
    CURLM *multi = nullptr;
    std::vector<CURL *> easies;
    ThreadHandles()
    {
        static std::once_flag once;
        std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
        multi = curl_multi_init();
    }
    ~ThreadHandles()
    {
        for (CURL *h : easies)
            curl_easy_cleanup(h);
        curl_multi_cleanup(multi);
    }
    ThreadHandles(const ThreadHandles &) = delete;
    ThreadHandles &operator=(const ThreadHandles &) = delete;
    /// At least `n` easy handles; false when libcurl could not make them.
    bool reserve(qsizetype n)
    {
        while (qsizetype(easies.size()) < n) {
            CURL *h = curl_easy_init();
            if (!h)
                return false;
            easies.push_back(h);
        }
        return multi != nullptr;
    }
};

ThreadHandles &threadHandles()
{
    thread_local ThreadHandles handles;
    return handles;
}

/// What one exchange collects while it runs.
struct Exchange
{
    Answer answer;
    curl_slist *headers = nullptr;
    char error[CURL_ERROR_SIZE] = {};
    ~Exchange() { curl_slist_free_all(headers); }
};

size_t onBody(char *data, size_t size, size_t count, void *exchange)
{
    static_cast<Exchange *>(exchange)->answer.body.append(data, qsizetype(size * count));
    return size * count;
}

/// One header line; a status line starts a new set (an interim 100 Continue's headers are dropped).
size_t onHeader(char *data, size_t size, size_t count, void *exchange)
{
    const QByteArray line = QByteArray(data, qsizetype(size * count)).trimmed();
    auto &headers = static_cast<Exchange *>(exchange)->answer.headers;
    if (line.startsWith("HTTP/")) {
        headers.clear();
    } else if (const qsizetype colon = line.indexOf(':'); colon > 0) {
        headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
    }
    return size * count;
}

bool sendsBody(const QByteArray &method, const QByteArray &body)
{
    return !body.isEmpty() || method == "POST" || method == "PATCH" || method == "PUT";
}

void setRequest(CURL *h, Exchange &x, const QByteArray &method, const QUrl &url,
                const QList<std::pair<QByteArray, QByteArray>> &headers, const QByteArray &body, int timeoutMs)
{
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, url.toEncoded().constData());
    if (sendsBody(method, body)) {
        x.headers = curl_slist_append(x.headers, "Content-Type: application/json");
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.size()));
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.constData());
    }
    if (method != "GET" && method != "POST")
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.constData());
    x.headers = curl_slist_append(x.headers, "Expect:"); // no 100-continue round trip before a large body
    for (const auto &[name, value] : headers)
        x.headers = curl_slist_append(x.headers, QByteArray(name + ": " + value).constData());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, x.headers);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""); // gzip and deflate answers, decoded
    curl_easy_setopt(h, CURLOPT_PROXY, ""); // as before (QNetworkAccessManager): no proxy from the environment
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, long(qMax(1, timeoutMs)));
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x.error);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &onBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &onHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &x);
}

/// Drives the first `n` easy handles' transfers on this thread until all end; a stop request
/// ends them within 100 ms. Each one's outcome (CURLE_ABORTED_BY_CALLBACK when stopped).
std::vector<CURLcode> run(ThreadHandles &t, qsizetype n)
{
    std::vector<CURLcode> results(size_t(n), CURLE_ABORTED_BY_CALLBACK);
    for (qsizetype i = 0; i < n; ++i)
        curl_multi_add_handle(t.multi, t.easies[size_t(i)]);
    for (int running = 1; running > 0;) {
        if (StopToken::stopping())
            break;
        if (const CURLMcode m = curl_multi_perform(t.multi, &running); m != CURLM_OK) {
            std::fill(results.begin(), results.end(), CURLE_RECV_ERROR);
            break;
        }
        int queued = 0;
        while (const CURLMsg *msg = curl_multi_info_read(t.multi, &queued)) {
            const auto it = std::find(t.easies.begin(), t.easies.begin() + n, msg->easy_handle);
            if (msg->msg == CURLMSG_DONE && it != t.easies.begin() + n)
                results[size_t(it - t.easies.begin())] = msg->data.result;
        }
        if (running > 0)
            curl_multi_poll(t.multi, nullptr, 0, 100, nullptr);
    }
    for (qsizetype i = 0; i < n; ++i)
        curl_multi_remove_handle(t.multi, t.easies[size_t(i)]);
    return results;
}

/// The exchange's answer once its transfer ended with `result`.
Answer conclude(CURL *h, Exchange &x, CURLcode result, int timeoutMs)
{
    Answer a = std::move(x.answer);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (result == CURLE_OK && status > 0) {
        a.status = int(status);
        return a;
    }
    a.body.clear();
    a.headers.clear();
    a.stopped = result == CURLE_ABORTED_BY_CALLBACK;
    a.timedOut = result == CURLE_OPERATION_TIMEDOUT;
    a.failure = a.stopped ? QStringLiteral("stopped: the process is shutting down")
        : a.timedOut      ? QStringLiteral("no answer within %1 ms").arg(timeoutMs)
                          : QString::fromUtf8(x.error[0] ? x.error : curl_easy_strerror(result));
    return a;
}

} // namespace

QList<Answer> sendAll(const QList<Request> &requests)
{
    ThreadHandles &t = threadHandles();
    if (!t.reserve(requests.size())) {
        Answer failed;
        failed.failure = QStringLiteral("the HTTP client could not start (libcurl)");
        return QList<Answer>(requests.size(), failed);
    }
    std::vector<Exchange> exchanges(size_t(requests.size()));
    for (qsizetype i = 0; i < requests.size(); ++i) {
        const Request &r = requests[i];
        setRequest(t.easies[size_t(i)], exchanges[size_t(i)], r.method, r.url, r.headers, r.body, r.timeoutMs);
    }
    const std::vector<CURLcode> results = run(t, requests.size());
    QList<Answer> answers;
    answers.reserve(requests.size());
    for (qsizetype i = 0; i < requests.size(); ++i)
        answers.append(conclude(t.easies[size_t(i)], exchanges[size_t(i)], results[size_t(i)], requests[i].timeoutMs));
    return answers;
}

Answer send(const QByteArray &method, const QUrl &url, const QList<std::pair<QByteArray, QByteArray>> &headers,
            const QByteArray &body, int timeoutMs)
{
    return sendAll({Request{method, url, headers, body, timeoutMs}}).first();
}

} // namespace salesflow::net
