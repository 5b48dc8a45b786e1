// Fault injection in AsioDriver (AsioDriverConfig::faults, net/link_faults.h) and the
// CloseConnections test hook. Runs on the loop thread. docs/transport.md, "Fault injection",
// says what each fault looks like from the core.
#include "net/asio_driver_impl.h"

namespace lashup::net {

bool AsioDriver::Impl::AdmitEnvelope(wire::Envelope& envelope) {
  LinkFaults& faults = *config_.faults;
  if (faults.Blocked(envelope.sender, config_.self)) {
    faults.Record(FaultEvent::kEnvelopeDropped);
    return false;
  }
  const Duration delay = faults.Delay(envelope.sender, config_.self);
  // Without a delay an envelope still queues behind earlier delayed ones from its sender, so a
  // delay that ends never lets later envelopes overtake.
  if (delay <= Duration(0) && !delay_line_->Holds(envelope.sender)) return true;
  const auto due = DelayLine::Clock::now() + std::chrono::duration_cast<DelayLine::Clock::duration>(
                                                 std::max(delay, Duration(0)));
  faults.Record(FaultEvent::kEnvelopeDelayed);
  delay_line_->Push(due, std::move(envelope));
  return false;
}

void AsioDriver::Impl::DeliverDelayed(wire::Envelope&& envelope) {
  if (failed_) return;
  // A cut made while the envelope was held loses it, as one in flight would be lost.
  if (config_.faults->Blocked(envelope.sender, config_.self)) {
    config_.faults->Record(FaultEvent::kEnvelopeDropped);
    return;
  }
  Deliver(envelope);
}

bool AsioDriver::Impl::FaultRefusesConnection(const NodeId& peer) {
  if (!config_.faults->Severed(config_.self, peer)) return false;
  config_.faults->Record(FaultEvent::kDialRefused);
  return true;
}

// Every connection ends at once, as if reset. Links are reported down and redialled with the
// usual backoff, dials in progress fail as dials do, short-lived and half-open connections just
// go. The peers see their ends closed.
void AsioDriver::Impl::CloseConnections() {
  constexpr const char* kWhy = "connection closed by a test hook (CloseConnections)";
  std::vector<NodeId> peers;
  for (auto& [peer, link] : links_) {
    peers.push_back(peer);
    if (link->dial) {
      link->dial->Close(false);
      link->dial.reset();
      DialFailed(peer, *link, kWhy);
    }
    if (link->link) LinkLost(peer, *link, kWhy);
  }
  for (const NodeId& peer : peers) ForgetIfIdle(peer);
  for (auto& [peer, connection] : short_out_) {
    connection->Close(false);
    TransportStats::Bump(stats_.dropped_connect_failed, connection->lost_frames());
  }
  short_out_.clear();
  for (auto& [peer, connection] : short_in_) connection->Close(false);
  short_in_.clear();
  for (const auto& connection : inbound_) connection->Close(false);
  inbound_.clear();
  // Those the driver has let go of but that still drain (graceful closes, refusing replies).
  for (const auto& weak : all_connections_) {
    if (auto connection = weak.lock()) connection->Close(false);
  }
}

}  // namespace lashup::net
