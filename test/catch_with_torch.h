#pragma once
// LibTorch's logging headers define glog's CHECK, which replaces Catch's when
// they are included after catch.hpp (no precompiled header): a failed check
// would then abort the run unreported and passing ones would not count.
// Include this after every other header in tests that use LibTorch.
#include <catch2/catch.hpp>

#undef CHECK
#define CHECK(...) INTERNAL_CATCH_TEST("CHECK", Catch::ResultDisposition::ContinueOnFailure, __VA_ARGS__)
