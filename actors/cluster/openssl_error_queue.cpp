// OpenSSL's TLS calls, each preceded by clearing the calling thread's error
// queue, for every caller in this process.
//
// OpenSSL's SSL_get_error reads the thread's error queue, which must be empty
// before each TLS call. CAF 0.17.6's openssl module (Debian's build logs
// nothing) never empties it: the errors of one failed handshake on its
// multiplexer thread made the next read of every other session there fail,
// so that any client sending bytes that are no TLS handshake to the cluster
// port cut every cluster link. These definitions take the place of
// libssl's for libcaf_openssl (and for Asio, which clears the queue itself:
// a second clear changes nothing), and call libssl's own.

#include <dlfcn.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace {

template <class Function>
Function libssl(const char* name) {
  return reinterpret_cast<Function>(::dlsym(RTLD_NEXT, name));
}

template <class Function, class... Args>
int with_empty_queue(Function call, Args... args) {
  ::ERR_clear_error();
  return call(args...);
}

} // namespace

extern "C" {

int SSL_read(SSL* ssl, void* buffer, int size) {
  static const auto next = libssl<int (*)(SSL*, void*, int)>("SSL_read");
  return with_empty_queue(next, ssl, buffer, size);
}

int SSL_write(SSL* ssl, const void* buffer, int size) {
  static const auto next = libssl<int (*)(SSL*, const void*, int)>("SSL_write");
  return with_empty_queue(next, ssl, buffer, size);
}

int SSL_accept(SSL* ssl) {
  static const auto next = libssl<int (*)(SSL*)>("SSL_accept");
  return with_empty_queue(next, ssl);
}

int SSL_connect(SSL* ssl) {
  static const auto next = libssl<int (*)(SSL*)>("SSL_connect");
  return with_empty_queue(next, ssl);
}

} // extern "C"
