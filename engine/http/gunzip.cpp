#include "gunzip.h"

#include <zlib.h>

namespace salesflow::http {

namespace {

Error notGzip(const char *why)
{
    return makeError("request.gzip", QStringLiteral("the body is marked gzip but %1").arg(QLatin1String(why)), 400);
}

} // namespace

Result<QByteArray> gunzip(const QByteArray &compressed, qint64 limit)
{
    z_stream z{};
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        return notGzip("could not be decoded");
    QByteArray out;
    char chunk[64 * 1024];
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(compressed.constData()));
    z.avail_in = uInt(compressed.size());
    int rc = Z_OK;
    while (true) {
        z.next_out = reinterpret_cast<Bytef *>(chunk);
        z.avail_out = sizeof chunk;
        rc = inflate(&z, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END)
            break;
        out.append(chunk, qsizetype(sizeof chunk - z.avail_out));
        if (out.size() > limit) {
            inflateEnd(&z);
            return makeError("request.too_large",
                             QStringLiteral("the body decompresses to more than the limit of %1 bytes").arg(limit),
                             413);
        }
        if (rc == Z_STREAM_END && z.avail_in > 0)
            rc = inflateReset(&z); // another gzip member follows
        else if (rc == Z_STREAM_END || (z.avail_in == 0 && z.avail_out > 0))
            break;
    }
    inflateEnd(&z);
    if (rc != Z_STREAM_END)
        return notGzip(rc == Z_OK || rc == Z_BUF_ERROR ? "is cut short" : "is not valid gzip");
    return out;
}

} // namespace salesflow::http
