// Precompiled header for the few translation units that need LibTorch.
#pragma once
#include <torch/script.h>
#include <torch/torch.h>
