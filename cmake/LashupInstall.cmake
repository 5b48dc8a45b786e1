# Install rules and the CMake package for liblashup. Included at the end of the top-level
# CMakeLists.txt, once every target exists. After `cmake --install BUILD --prefix P` another
# project finds it with
#
#   find_package(lashup 0.1 CONFIG REQUIRED)      # CMAKE_PREFIX_PATH=P
#   target_link_libraries(app PRIVATE lashup::lashup)
#
# What gets installed:
# - liblashup.so (+ its SONAME and namelink) to ${CMAKE_INSTALL_LIBDIR};
# - the public headers, include/lashup/**, to ${CMAKE_INSTALL_INCLUDEDIR}, except
#   lashup/testing/sim_world.h: the simulator (lashup_sim) is not part of liblashup, and that
#   header only makes sense with the internal core headers (Core, CoreContext, Effects,
#   MemoryStorage) that are not installed either;
# - lashupTargets.cmake, lashupConfig.cmake and lashupConfigVersion.cmake to
#   ${CMAKE_INSTALL_LIBDIR}/cmake/lashup;
# - the lashupd and lashupctl programs to ${CMAKE_INSTALL_BINDIR}, when those targets exist.
#
# liblashup links every internal library PRIVATE (and whole-archives some through PRIVATE link
# options), and they are static, so none of them, nor their own dependencies (RocksDB,
# Cap'n Proto, OpenSSL, Threads), is part of the exported link interface: the public headers
# include only the standard library, and the consumer needs no find_dependency().
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(LASHUP_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/lashup CACHE STRING
  "Where lashupConfig.cmake and lashupTargets.cmake are installed (relative to the prefix)")
mark_as_advanced(LASHUP_INSTALL_CMAKEDIR)

# RPATH of what is installed. The build tree keeps CMake's default (absolute paths to the build
# tree); at install that is replaced by:
# - liblashup: $ORIGIN, plus any non-system directory it was linked from (a RocksDB or
#   Cap'n Proto in a custom prefix); with Debian's packages that adds nothing.
# - programs: $ORIGIN/<bin-to-lib>, so a relocated prefix still finds its own liblashup, plus
#   the same non-system link directories.
# System directories are never added (CMake filters the implicit link directories).
file(RELATIVE_PATH lashup_bin_to_lib
  ${CMAKE_INSTALL_FULL_BINDIR} ${CMAKE_INSTALL_FULL_LIBDIR})
set_target_properties(lashup PROPERTIES
  INSTALL_RPATH "$ORIGIN"
  INSTALL_RPATH_USE_LINK_PATH TRUE)

# lashup's INSTALL_INTERFACE include directory is "include" (src/api/CMakeLists.txt); only a
# different CMAKE_INSTALL_INCLUDEDIR needs adding, or the exported target would list it twice.
set(lashup_includes)
if(NOT CMAKE_INSTALL_INCLUDEDIR STREQUAL "include")
  set(lashup_includes INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endif()
install(TARGETS lashup
  EXPORT lashupTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  ${lashup_includes})

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/lashup
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING
  PATTERN "*.h"
  REGEX "/lashup/testing/sim_world\\.h$" EXCLUDE)

install(EXPORT lashupTargets
  NAMESPACE lashup::
  FILE lashupTargets.cmake
  DESTINATION ${LASHUP_INSTALL_CMAKEDIR})

configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/lashupConfig.cmake.in
  ${PROJECT_BINARY_DIR}/lashupConfig.cmake
  INSTALL_DESTINATION ${LASHUP_INSTALL_CMAKEDIR})
# Before 1.0 the ABI may change with every minor release (the SONAME is MAJOR.MINOR:
# liblashup.so.0.1), so only the same MAJOR.MINOR is compatible; a patch release is a drop-in.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/lashupConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/lashupConfig.cmake
  ${PROJECT_BINARY_DIR}/lashupConfigVersion.cmake
  DESTINATION ${LASHUP_INSTALL_CMAKEDIR})

# The daemon and its control tool, when this build has them (LASHUP_BUILD_TOOLS; the targets
# are defined under tools/). They link liblashup, found next door in ../lib.
foreach(tool lashupd lashupctl)
  if(TARGET ${tool})
    set_target_properties(${tool} PROPERTIES
      INSTALL_RPATH "$ORIGIN/${lashup_bin_to_lib}"
      INSTALL_RPATH_USE_LINK_PATH TRUE)
    install(TARGETS ${tool} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endforeach()
