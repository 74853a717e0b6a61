// Python bindings for the fused ops (module name comes from setup.py / CMakeLists.txt).
#include <torch/extension.h>

#include <vector>

std::vector<torch::Tensor> softmax_xent_forward(torch::Tensor logits, torch::Tensor targets, int64_t ignore_index);
torch::Tensor linear_forward(torch::Tensor x, torch::Tensor w, c10::optional<torch::Tensor> bias);

PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) {
  m.doc() = "Fused CUDA ops for ddp_cuda_demo";
  m.def("softmax_xent_forward", &softmax_xent_forward, "Softmax cross-entropy forward: (mean loss, per-row loss)",
        py::arg("logits"), py::arg("targets"), py::arg("ignore_index") = -100);
  m.def("linear_forward", &linear_forward, "y = x @ w^T + bias via cuBLAS", py::arg("x"), py::arg("w"),
        py::arg("bias") = py::none());
}
