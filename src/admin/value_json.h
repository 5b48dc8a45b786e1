// Rendering a key's map value for lashupctl: JSON for the wire, text for the terminal.
//
// Contract:
// - `ValueToJson` gives an object with one member per field, named "NAME:TYPE" (TYPE as
//   crdt::CrdtTypeName), holding: orset, an array of strings in the set's order; counter, a
//   number; flag, a bool; register, {"value": string, "timestamp": number}; map, an object of
//   this same shape. Every string (names, elements, register values) goes through
//   EscapeInvalidUtf8 (utf8.h), so dump() with nlohmann's default strict handler never throws.
//   Rendering is lossy only for bytes that are not UTF-8: they become the text \xNN, which a
//   literal "\xNN" also renders as; two fields whose names differ only that way share one JSON
//   member (the later one, in FieldKey order, wins).
// - `ValueToText` gives one line per field, each ending in '\n', starting `indent` spaces in:
//   "NAME (TYPE): VALUE", VALUE being the elements joined by ", " for an orset, the number for a
//   counter, on/off for a flag and the value for a register. A nested map's line ends at the
//   colon and its fields follow, two more spaces in. Names, elements and register values are
//   written as QuoteArg (command_line.h) writes them: bare if plain, otherwise double-quoted with
//   escapes, so what is shown can be typed back and control bytes never reach the terminal.
//   An empty map gives "".
// Neither function throws. Stateless; safe from any thread.
#ifndef LASHUP_ADMIN_VALUE_JSON_H_
#define LASHUP_ADMIN_VALUE_JSON_H_

#include <nlohmann/json.hpp>
#include <string>

#include "lashup/crdt/value.h"

namespace lashup::admin {

nlohmann::json ValueToJson(const crdt::MapValue& value);

std::string ValueToText(const crdt::MapValue& value, int indent = 0);

}  // namespace lashup::admin

#endif  // LASHUP_ADMIN_VALUE_JSON_H_
