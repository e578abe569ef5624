# Every dependency comes from a Debian package. When one is missing, configure
# stops with the name of the package to install (run.sh installs them all).
include_guard(GLOBAL)
find_package(PkgConfig)

function(pollscope_missing what package)
  message(FATAL_ERROR
    "pollscope: ${what} not found.\n"
    "Install the Debian package:  apt-get install -y ${package}\n"
    "(./run.sh installs every missing package for you.)")
endfunction()

find_package(Threads REQUIRED)

find_package(nlohmann_json 3 CONFIG QUIET)
if(NOT nlohmann_json_FOUND)
  pollscope_missing("nlohmann-json" nlohmann-json3-dev)
endif()

find_package(CLI11 CONFIG QUIET)
if(NOT CLI11_FOUND)
  pollscope_missing("CLI11" libcli11-dev)
endif()

find_package(fmt CONFIG QUIET)
if(NOT fmt_FOUND)
  pollscope_missing("fmt" libfmt-dev)
endif()

# xxHash's XXH3: the recording format's block checksums (record/).
if(NOT PKG_CONFIG_FOUND)
  pollscope_missing("pkg-config" pkg-config)
endif()
pkg_check_modules(XXHASH QUIET IMPORTED_TARGET libxxhash)
if(NOT XXHASH_FOUND)
  pollscope_missing("xxHash (pkg-config module libxxhash)" libxxhash-dev)
endif()

if(POLLSCOPE_BUILD_TESTS)
  find_package(doctest CONFIG QUIET)
  if(NOT doctest_FOUND)
    pollscope_missing("doctest" doctest-dev)
  endif()
  include(doctest) # doctest_discover_tests(); only works after find_package
endif()

if(POLLSCOPE_BUILD_GUI)
  if(NOT PKG_CONFIG_FOUND)
    pollscope_missing("pkg-config" pkg-config)
  endif()
  find_package(glfw3 3.3 CONFIG QUIET)
  if(NOT glfw3_FOUND)
    pollscope_missing("GLFW 3.3" "libglfw3 libglfw3-dev")
  endif()
  # libglfw3-dev is also satisfied by libglfw3-wayland, whose library has the
  # same name but cannot open an X display (Xvfb, ssh -X): insist on the X11 build.
  find_program(DPKG_QUERY_EXECUTABLE dpkg-query)
  mark_as_advanced(DPKG_QUERY_EXECUTABLE)
  if(DPKG_QUERY_EXECUTABLE)
    execute_process(COMMAND ${DPKG_QUERY_EXECUTABLE} -W -f=\${Status} libglfw3
                    OUTPUT_VARIABLE glfw_x11_status ERROR_QUIET)
    if(NOT glfw_x11_status STREQUAL "install ok installed")
      pollscope_missing("GLFW's X11 build" libglfw3)
    endif()
  endif()
  pkg_check_modules(IMGUI QUIET IMPORTED_TARGET imgui)
  if(NOT IMGUI_FOUND)
    pollscope_missing("Dear ImGui (pkg-config module imgui)" "libimgui-dev libstb-dev")
  endif()
  set(OpenGL_GL_PREFERENCE GLVND)
  find_package(OpenGL QUIET)
  if(NOT OpenGL_FOUND)
    pollscope_missing("OpenGL" libgl-dev)
  endif()
  find_program(GLAD_EXECUTABLE glad)
  if(NOT GLAD_EXECUTABLE)
    pollscope_missing("the glad 2 loader generator" "python3-glad python3-jinja2")
  endif()
  set(IMGUI_BACKENDS_DIR /usr/share/doc/libimgui-dev/examples/backends)
  if(NOT EXISTS ${IMGUI_BACKENDS_DIR}/imgui_impl_glfw.cpp)
    message(FATAL_ERROR
      "pollscope: ImGui's backend sources are missing from ${IMGUI_BACKENDS_DIR}.\n"
      "libimgui-dev ships them there; a dpkg path-exclude for /usr/share/doc may have removed them.\n"
      "Reinstall with:  apt-get install --reinstall -y libimgui-dev  (after removing the exclude)")
  endif()
endif()
