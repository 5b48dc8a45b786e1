# The lashup wire format: a connection opens with one Handshake frame each way (below), then
# carries one Envelope per frame; an empty frame is a keepalive.
#
# Compatibility rules: fields and union branches are only ever added, with new ordinals; a
# receiver that meets an Envelope branch it does not know rejects that frame (kUnimplemented) and
# keeps the connection; an unknown Handshake branch or verdict ends the connection. `version` is
# the protocol version; a peer refuses versions it does not support. See docs/wire.md.
@0x9be8b32bc3813d10;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("lashup::wire::schema");

struct Envelope {
  version @0 :UInt16;
  sender @1 :Text;
  body :union {
    ping @2 :Ping;
    pong @3 :Pong;
    testData @4 :TestData;
    hvJoin @5 :HvJoin;
    hvJoinReply @6 :HvJoinReply;
    hvForwardJoin @7 :HvForwardJoin;
    hvNeighbor @8 :HvNeighbor;
    hvNeighborReply @9 :HvNeighborReply;
    hvDisconnect @10 :HvDisconnect;
    hvShuffle @11 :HvShuffle;
    hvShuffleReply @12 :HvShuffleReply;
    fdPing @13 :FdPing;
    fdAck @14 :FdAck;
    fdProbeRequest @15 :FdProbeRequest;
    fdProbeResult @16 :FdProbeResult;
    gmUpdate @17 :GmUpdate;
    gmDigest @18 :GmDigest;
    mcPacket @19 :McPacket;
    mcAck @20 :McAck;
    kvAeTree @21 :KvAeTree;
    kvAeKeys @22 :KvAeKeys;
    kvAeStates @23 :KvAeStates;
  }
}

struct Ping {
  nonce @0 :UInt64;
  sentAtNs @1 :Int64;
}

struct Pong {
  nonce @0 :UInt64;
  echoedSentAtNs @1 :Int64;
}

struct TestData {
  label @0 :Text;
  payload @1 :Data;
  nodes @2 :List(Text);
}

# Membership (src/core/membership_messages.h explains each; docs/membership.md when it is sent).
# Node ids are Text and are validated on decode like every NodeId.

struct HvJoin {}

struct HvJoinReply {
  accepted @0 :Bool;
  nodes @1 :List(Text);
}

struct HvForwardJoin {
  joiner @0 :Text;
  ttl @1 :UInt32;
  walked @2 :List(Text);
}

struct HvNeighbor {
  highPriority @0 :Bool;
}

struct HvNeighborReply {
  accepted @0 :Bool;
  passive @1 :List(Text);
}

struct HvDisconnect {}

struct HvShuffle {
  origin @0 :Text;
  ttl @1 :UInt32;
  nodes @2 :List(Text);
}

struct HvShuffleReply {
  nodes @0 :List(Text);
}

struct FdPing {
  seq @0 :UInt64;
}

struct FdAck {
  seq @0 :UInt64;
}

struct FdProbeRequest {
  target @0 :Text;
  seq @1 :UInt64;
  waitMs @2 :UInt32;
}

struct FdProbeResult {
  target @0 :Text;
  seq @1 :UInt64;
  alive @2 :Bool;
}

struct GmVersion {
  epoch @0 :UInt64;
  counter @1 :UInt64;
}

struct GmLink {
  peer @0 :Text;
  rttUs @1 :UInt32;
  held @2 :Bool;
}

struct GmRecord {
  node @0 :Text;
  version @1 :GmVersion;
  links @2 :List(GmLink);
}

struct GmUpdate {
  records @0 :List(GmRecord);
}

struct GmDigestEntry {
  node @0 :Text;
  version @1 :GmVersion;
}

struct GmDigest {
  entries @0 :List(GmDigestEntry);
}

# Multicast (src/core/multicast_messages.h explains each; docs/routing.md when it is sent).

struct McPacket {
  origin @0 :Text;
  incarnation @1 :UInt64;
  seq @2 :UInt64;
  topic @3 :Text;
  ttl @4 :UInt32;
  root @5 :Text;
  hopSeq @6 :UInt64;
  payload @7 :Data;
}

struct McAck {
  hopSeqs @0 :List(UInt64);
}

# KV anti-entropy (docs/kv.md): digest hashes at one level of the Merkle tree, the keys of the
# buckets that differ, and the states that differ. Parallel lists must have equal lengths.
struct KvAeTree {
  session @0 :UInt64;
  level @1 :UInt32;
  nodes @2 :List(UInt32);
  hashes @3 :List(UInt64);
}

struct KvAeKeys {
  session @0 :UInt64;
  buckets @1 :List(UInt32);
  keyHashes @2 :List(UInt64);
  stateHashes @3 :List(UInt64);
  truncated @4 :Bool;
}

struct KvAeStates {
  session @0 :UInt64;
  keys @1 :List(Data);
  states @2 :List(Data);
  want @3 :List(UInt64);
  last @4 :Bool;
  answer @5 :Bool;
  more @6 :Bool;
}

# The transport handshake: the first frame each side sends on a connection, after TLS. The
# dialer sends `hello`; the acceptor answers with `reply`. Envelopes follow. See docs/transport.md.
struct Handshake {
  version @0 :UInt16;
  nodeId @1 :Text;        # the sender's NodeId; must match the name in its TLS certificate
  incarnation @2 :UInt64; # random per driver start: a new value means the peer restarted
  union {
    hello @3 :Hello;
    reply @4 :HelloReply;
  }
}

struct Hello {
  longLived @0 :Bool;     # a link the dialer's core asked for, or a short-lived connection
  linkId @1 :UInt64;      # the dialer's name for this connection attempt
  lastLinkId @2 :UInt64;  # the last long-lived link the dialer had with the acceptor (0: none
                          # known; a node forgets it once it neither wants nor holds the link)
}

struct HelloReply {
  verdict @0 :Verdict;
  reason @1 :Text;
}

enum Verdict {
  accept @0;
  duplicate @1;   # a link already exists or is being made the other way: wait for it
  refused @2;     # see reason
}
