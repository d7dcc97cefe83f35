#pragma once
// The TLS side of one configuration generation: the SSL_CTX of every TLS server (the main
// server and each <VirtualHost> with SSLEngine on, or with certificates on an https
// address) and one TlsTransportFactory per TLS listen address. An address is TLS when its
// Listen says https (the default on port 443) or a server on it has SSLEngine on, as
// mod_ssl decides. Built in the control process before privileges drop, and by -t.

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "http/vhost_select.h"
#include "modules/ssl/ocsp_stapling.h"
#include "modules/ssl/ssl_context.h"
#include "net/tls_transport.h"

namespace tern {

class TlsSessions;

// Contexts and transport factories of the TLS listen addresses. Immutable once built.
class TlsPorts {
 public:
  // Loads every certificate and key of `config` and makes the factory of each TLS address
  // of config.listens (same order). Null with *errors set ("FILE:LINE: Directive: message",
  // every problem found) on failure; a configuration without TLS gives an empty TlsPorts.
  // The contexts share `sessions`' cache and ticket keys (prepared here for `config`; null:
  // a set of this process's own, for -t and -X).
  static std::unique_ptr<TlsPorts> build(const Config& config, std::vector<std::string>* errors,
                                         TlsSessions* sessions = nullptr);

  // The transport factory of config.listens[i], or null for a plain address.
  const TransportFactory* factory(size_t i) const {
    return i < factories_.size() ? factories_[i].get() : nullptr;
  }
  // The context of site `site` (0 = main server, i = vhost i - 1), or null: not TLS.
  SSL_CTX* site_context(size_t site) const {
    return site < site_ctx_.size() ? site_ctx_[site].get() : nullptr;
  }

  // The certificates whose OCSP status the control process fetches (SSLUseStapling on),
  // and the store their responses go to (null: no SSLStaplingCache).
  const std::vector<std::shared_ptr<const ssl::StaplingTarget>>& stapling_targets() const {
    return stapling_targets_;
  }
  const std::shared_ptr<ssl::SessionCache>& stapling_cache() const { return stapling_cache_; }

 private:
  // Installs stapling on `ctx` (server `sc`, SSLUseStapling on); false with the error in
  // *errors when there is no SSLStaplingCache. Certificates without a responder are warned
  // about and skipped.
  bool enable_stapling(const SslConfig& sc, SSL_CTX* ctx, std::vector<std::string>* errors);
  // Builds the context of every site that is TLS (`on_tls`: the site serves on a TLS
  // address); failed[s] is set for a site whose context failed (its error in *errors).
  void build_contexts(const Config& config, const std::vector<bool>& on_tls,
                      std::vector<bool>& failed, std::vector<std::string>* errors);
  // The server for a handshake on listen address `i` (TlsServerLookup).
  TlsServerChoice choose(size_t i, std::string_view ip, uint16_t port, std::string_view name) const;

  VhostSelector selector_;
  std::shared_ptr<ssl::SessionCache> cache_;  // outlive the contexts that use them
  std::shared_ptr<ssl::TicketKeys> keys_;
  std::shared_ptr<ssl::SessionCache> stapling_cache_;
  std::vector<std::unique_ptr<ssl::StaplingContext>> stapling_;  // the status callbacks' args
  std::vector<std::shared_ptr<const ssl::StaplingTarget>> stapling_targets_;
  std::vector<SslCtxPtr> site_ctx_;    // by site index
  std::vector<SSL_CTX*> default_ctx_;  // by listen index
  // The twins of site_ctx_ / default_ctx_ with the key log on (null: none).
  std::vector<SslCtxPtr> site_own_ctx_;
  std::vector<SSL_CTX*> default_own_ctx_;
  RecordLayerChoice record_layer_ = RecordLayerChoice::kAdaptive;  // SSLRecordLayer
  std::vector<std::unique_ptr<TlsTransportFactory>> factories_;    // by listen index
};

}  // namespace tern
