"""portcheck: what it takes to port a PyTorch + CUDA code base to CANN, MUSA and NeuWare."""
__version__ = "0.1.0"
