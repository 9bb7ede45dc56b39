#pragma once

#include "../api/result.h"

#include <QByteArray>
#include <QString>

namespace salesflow::password {

/// The stored form of a password: argon2id through libsodium's crypto_pwhash_str (a random salt
/// and the cost parameters are part of the string). Takes a noticeable fraction of a second and
/// tens of MiB on purpose; call it off the GUI and HTTP threads. Error when the password is
/// empty, longer than 1024 bytes, or the machine is out of memory.
Result<QString> hash(const QByteArray &password);

/// True when `password` matches `encoded` (the comparison inside libsodium is constant-time).
/// With an empty `encoded` (no such user) it spends the same time and answers false, so the
/// answer's timing does not tell whether a user exists.
bool verify(const QString &encoded, const QByteArray &password);

/// Zeroes the bytes of a password held in memory once it is no longer needed.
void wipe(QByteArray &password);

} // namespace salesflow::password
