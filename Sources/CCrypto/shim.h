// OpenSSL's libcrypto (Debian's libssl-dev, installed by `make deps`):
// SHA-256 and HMAC through EVP. No `link` here: the Digest target links the
// static archive (see Package.swift).
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
