# The lashup wire format: one Envelope per frame.
#
# Compatibility rules: fields and union branches are only ever added, with new ordinals; a
# receiver that meets a branch it does not know rejects that frame (kUnimplemented) and keeps the
# connection. `version` is the envelope's protocol version; a peer refuses versions it does not
# support. See docs/wire.md.
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
