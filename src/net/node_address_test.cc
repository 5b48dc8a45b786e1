#include "net/node_address.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lashup::net {
namespace {

using ::testing::HasSubstr;

// Checks both fields by name, so a failure says which one is wrong instead of dumping bytes.
void ExpectEndpoint(const Result<Endpoint>& result, std::string_view host, uint16_t port) {
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->host, host);
  EXPECT_EQ(result->port, port);
}

void ExpectInvalid(std::string_view text, bool allow_port_zero = false) {
  Result<Endpoint> result = ParseEndpoint(text, allow_port_zero);
  ASSERT_FALSE(result.ok()) << "\"" << text << "\" parsed as " << result->host << " port "
                            << result->port;
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument) << text;
  // The caller sees which input was wrong, not only that something was.
  EXPECT_THAT(result.status().message(), HasSubstr(std::string(text))) << text;
}

// ---- ParseEndpoint -----------------------------------------------------------------------------

TEST(ParseEndpointTest, HostAndPort) {
  ExpectEndpoint(ParseEndpoint("10.0.0.7:7946"), "10.0.0.7", 7946);
  ExpectEndpoint(ParseEndpoint("example.com:443"), "example.com", 443);
  ExpectEndpoint(ParseEndpoint("localhost:1"), "localhost", 1);
  ExpectEndpoint(ParseEndpoint("h:65535"), "h", 65535);
}

TEST(ParseEndpointTest, BracketedIpv6) {
  ExpectEndpoint(ParseEndpoint("[::1]:7000"), "::1", 7000);
  ExpectEndpoint(ParseEndpoint("[fe80::1:2]:80"), "fe80::1:2", 80);
  ExpectEndpoint(ParseEndpoint("[2001:db8::7]:65535"), "2001:db8::7", 65535);
}

TEST(ParseEndpointTest, PortZeroOnlyWhenAllowed) {
  ExpectInvalid("127.0.0.1:0");
  ExpectInvalid("[::1]:0");
  ExpectEndpoint(ParseEndpoint("127.0.0.1:0", /*allow_port_zero=*/true), "127.0.0.1", 0);
  ExpectEndpoint(ParseEndpoint("[::1]:0", /*allow_port_zero=*/true), "::1", 0);
  // Allowing zero must not loosen anything else.
  ExpectInvalid("127.0.0.1:", /*allow_port_zero=*/true);
  ExpectInvalid("127.0.0.1:65536", /*allow_port_zero=*/true);
}

TEST(ParseEndpointTest, RejectsBadPorts) {
  for (const char* text : {
           "127.0.0.1:",             // empty
           "127.0.0.1:http",         // not numeric
           "127.0.0.1:-1",           // negative
           "127.0.0.1:+80",          // a sign is not a digit
           "127.0.0.1: 80",          // leading space
           "127.0.0.1:65536",        // one past the top
           "127.0.0.1:99999999999",  // overflows any 32-bit parse
           "127.0.0.1:80x",          // trailing junk
           "127.0.0.1:80 ",          // trailing space
           "[::1]:",                 // empty after brackets
           "[::1]:65536",
           "[::1]:80]",
       }) {
    ExpectInvalid(text);
  }
}

TEST(ParseEndpointTest, BadPortMessageNamesThePort) {
  Result<Endpoint> result = ParseEndpoint("host:65536");
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr("65536"));
  EXPECT_THAT(result.status().message(), HasSubstr("port"));
}

TEST(ParseEndpointTest, RejectsMalformedAddresses) {
  for (const char* text : {
           "",            // nothing
           "127.0.0.1",   // missing colon
           "localhost",   // missing colon
           "::1:7000",    // unbracketed IPv6
           "fe80::1:80",  // unbracketed IPv6
           ":7000",       // empty host
           "[]:7000",     // empty bracketed host
           "[::1]",       // brackets without a port
           "[::1]7000",   // no colon after the bracket
           "[::1:7000",   // unclosed bracket
       }) {
    ExpectInvalid(text);
  }
}

// ---- ToString ----------------------------------------------------------------------------------

TEST(EndpointToStringTest, Formats) {
  EXPECT_EQ(ToString(Endpoint{"10.0.0.7", 7946}), "10.0.0.7:7946");
  EXPECT_EQ(ToString(Endpoint{"example.com", 1}), "example.com:1");
  EXPECT_EQ(ToString(Endpoint{"::1", 7000}), "[::1]:7000");
  EXPECT_EQ(ToString(Endpoint{"fe80::1", 0}), "[fe80::1]:0");
}

TEST(EndpointToStringTest, RoundTripsThroughParse) {
  const std::vector<Endpoint> endpoints = {
      {"10.0.0.7", 7946},     {"example.com", 443}, {"::1", 7000},
      {"2001:db8::7", 65535}, {"fe80::1:2", 1},     {"h", 0},
  };
  for (const Endpoint& endpoint : endpoints) {
    const std::string text = ToString(endpoint);
    SCOPED_TRACE(text);
    ExpectEndpoint(ParseEndpoint(text, /*allow_port_zero=*/true), endpoint.host, endpoint.port);
  }
}

TEST(EndpointToStringTest, ParseThenFormatIsIdentityOnCanonicalText) {
  for (const char* text : {"10.0.0.7:7946", "[::1]:7000", "node.example:65535"}) {
    Result<Endpoint> endpoint = ParseEndpoint(text);
    ASSERT_TRUE(endpoint.ok()) << text << ": " << endpoint.status();
    EXPECT_EQ(ToString(*endpoint), text);
  }
}

// ---- EndpointFromNodeId ------------------------------------------------------------------------

TEST(EndpointFromNodeIdTest, NamedNode) {
  ExpectEndpoint(EndpointFromNodeId(NodeId::FromLiteral("n1@10.0.0.7:7946")), "10.0.0.7", 7946);
}

TEST(EndpointFromNodeIdTest, BareAddress) {
  ExpectEndpoint(EndpointFromNodeId(NodeId::FromLiteral("[::1]:7000")), "::1", 7000);
  ExpectEndpoint(EndpointFromNodeId(NodeId::FromLiteral("10.0.0.7:7946")), "10.0.0.7", 7946);
}

TEST(EndpointFromNodeIdTest, LastAtSignWins) {
  ExpectEndpoint(EndpointFromNodeId(NodeId::FromLiteral("a@b@127.0.0.1:1")), "127.0.0.1", 1);
  ExpectEndpoint(EndpointFromNodeId(NodeId::FromLiteral("x@[::1]:9")), "::1", 9);
}

TEST(EndpointFromNodeIdTest, IdWithoutAddressIsNotFound) {
  for (const char* text : {
           "node-7",             // no address at all
           "lb@10.0.0.7",        // a host but no port
           "n1@",                // nothing after the @
           "n1@10.0.0.7:0",      // a node id never names an ephemeral port
           "n1@10.0.0.7:65536",  // bad port
           "n1@::1:7000",        // unbracketed IPv6
           "10.0.0.7:7946@n1",   // the address must follow the last @
       }) {
    SCOPED_TRACE(text);
    Result<Endpoint> result = EndpointFromNodeId(NodeId::FromLiteral(text));
    ASSERT_FALSE(result.ok()) << "resolved to " << result->host << " port " << result->port;
    EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
    // An operator reading the log must learn which node has no address.
    EXPECT_THAT(result.status().message(), HasSubstr(text));
  }
}

// ---- AddressBook -------------------------------------------------------------------------------

TEST(AddressBookTest, ResolvesFromTheIdWhenEmpty) {
  AddressBook book;
  ExpectEndpoint(book.Resolve(NodeId::FromLiteral("n1@10.0.0.7:7946")), "10.0.0.7", 7946);
  Result<Endpoint> missing = book.Resolve(NodeId::FromLiteral("node-7"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("node-7"));
}

TEST(AddressBookTest, ExplicitEntryWinsOverTheIdsAddress) {
  AddressBook book;
  const NodeId id = NodeId::FromLiteral("n1@10.0.0.7:7946");
  book.Set(id, Endpoint{"192.168.1.5", 8000});
  ExpectEndpoint(book.Resolve(id), "192.168.1.5", 8000);
  // Setting again replaces the entry.
  book.Set(id, Endpoint{"::1", 9000});
  ExpectEndpoint(book.Resolve(id), "::1", 9000);
}

TEST(AddressBookTest, EntryGivesAnAddressToAnIdWithout) {
  AddressBook book;
  const NodeId id = NodeId::FromLiteral("node-7");
  book.Set(id, Endpoint{"10.1.2.3", 7946});
  ExpectEndpoint(book.Resolve(id), "10.1.2.3", 7946);
}

TEST(AddressBookTest, EntriesArePerNode) {
  AddressBook book;
  const NodeId a = NodeId::FromLiteral("a@10.0.0.1:1");
  const NodeId b = NodeId::FromLiteral("b@10.0.0.2:2");
  book.Set(a, Endpoint{"10.9.9.9", 9});
  ExpectEndpoint(book.Resolve(a), "10.9.9.9", 9);
  ExpectEndpoint(book.Resolve(b), "10.0.0.2", 2);
}

TEST(AddressBookTest, EraseFallsBackToTheId) {
  AddressBook book;
  const NodeId named = NodeId::FromLiteral("n1@10.0.0.7:7946");
  const NodeId bare = NodeId::FromLiteral("node-7");
  book.Set(named, Endpoint{"192.168.1.5", 8000});
  book.Set(bare, Endpoint{"192.168.1.6", 8001});

  book.Erase(named);
  ExpectEndpoint(book.Resolve(named), "10.0.0.7", 7946);
  book.Erase(bare);
  Result<Endpoint> missing = book.Resolve(bare);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);

  // Erasing what is not there is harmless.
  book.Erase(bare);
  ExpectEndpoint(book.Resolve(named), "10.0.0.7", 7946);
}

}  // namespace
}  // namespace lashup::net
