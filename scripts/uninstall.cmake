# uninstall.cmake: remove every file `cmake --install` listed in its manifest.
#   cmake -DMANIFEST=build/install_manifest.txt -P scripts/uninstall.cmake
if(NOT EXISTS "${MANIFEST}")
  message(FATAL_ERROR "tcpx: nothing to uninstall: ${MANIFEST} not found (run cmake --install first)")
endif()
file(STRINGS "${MANIFEST}" _files)
foreach(_f IN LISTS _files)
  set(_f "$ENV{DESTDIR}${_f}")   # the manifest lists paths without DESTDIR
  if(EXISTS "${_f}" OR IS_SYMLINK "${_f}")
    message(STATUS "Removing: ${_f}")
    file(REMOVE "${_f}")
  endif()
endforeach()
