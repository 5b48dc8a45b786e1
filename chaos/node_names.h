// Node lists as "n01,n02,...", for the chaos report's readable lines.
#ifndef LASHUP_CHAOS_NODE_NAMES_H_
#define LASHUP_CHAOS_NODE_NAMES_H_

#include <string>
#include <vector>

#include "lashup/types.h"

namespace lashup::chaos {

inline std::string NodeNames(const std::vector<NodeId>& nodes) {
  std::string text;
  for (const NodeId& node : nodes) text += (text.empty() ? "" : ",") + node.str();
  return text;
}

}  // namespace lashup::chaos

#endif  // LASHUP_CHAOS_NODE_NAMES_H_
