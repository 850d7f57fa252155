# One INTERFACE target carries the project's compile rules, so every target (core, GUI, CLI, tests,
# benchmarks) is built the same way.
add_library(statusdesk_options INTERFACE)
target_compile_features(statusdesk_options INTERFACE cxx_std_17)
target_compile_definitions(statusdesk_options INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CONTEXTLESS_CONNECT
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_USE_QSTRINGBUILDER
    QT_NO_KEYWORDS
    STATUSDESK_VERSION="${PROJECT_VERSION}")
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(statusdesk_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow=local
        -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
        # Input structs are filled partially on purpose; their members carry defaults.
        -Wno-missing-field-initializers)
    if(STATUSDESK_WERROR)
        target_compile_options(statusdesk_options INTERFACE -Werror)
    endif()
endif()
