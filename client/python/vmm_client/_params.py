"""Turns the keyword arguments of submit() and stream() into the API's messages."""

from __future__ import annotations

import os
from typing import Mapping, Optional

from vmm_client._errors import InvalidArgument
from vmm_client._proto.vmm.v1 import magnification_pb2 as pb

MODES = {"static": pb.MODE_STATIC, "dynamic": pb.MODE_DYNAMIC, "temporal": pb.MODE_TEMPORAL}
FILTERS = {"fir": pb.FILTER_FIR, "butter": pb.FILTER_BUTTERWORTH,
           "iir": pb.FILTER_DIFFERENCE_OF_IIR, "accel": pb.FILTER_ACCELERATION}
METHODS = {"learned": pb.METHOD_LEARNED, "phase": pb.METHOD_PHASE, "riesz": pb.METHOD_RIESZ,
           "linear": pb.METHOD_LINEAR}
OUTPUT_FORMATS = {"mp4": pb.OUTPUT_FORMAT_MP4, "mkv": pb.OUTPUT_FORMAT_MKV}
# A measurement job's: an older server, which knows no measurement jobs, refuses it rather than
# magnifying the video instead.
MEASUREMENT_FORMAT = pb.OUTPUT_FORMAT_JSON


def _choice(name: str, value: str, choices: Mapping[str, int]) -> int:
    try:
        return choices[value.lower()]
    except (KeyError, AttributeError):
        raise InvalidArgument(
            f"{name} must be one of {', '.join(choices)}, got {value!r}") from None


def magnify_params(mode: str = "static", *, alpha: Optional[float] = None,
                   low_hz: Optional[float] = None, high_hz: Optional[float] = None,
                   sample_rate_hz: Optional[float] = None, filter: Optional[str] = None,
                   order: Optional[int] = None, taps: Optional[int] = None,
                   reference_frame: Optional[int] = None,
                   no_chroma_limit: bool = False, method: str = "learned",
                   color: bool = False) -> pb.MagnifyParams:
    """The MagnifyParams message; arguments left at None take the server's defaults.

    The server checks every value (ranges, fh below fs/2 in temporal mode) and names the field
    of a bad one in an InvalidArgument; only the names of methods, modes and filters are
    checked here.
    """
    params = pb.MagnifyParams(mode=_choice("mode", mode, MODES), no_chroma_limit=no_chroma_limit,
                              method=_choice("method", method, METHODS), color=color)
    if filter is not None:
        params.filter = _choice("filter", filter, FILTERS)
    for field, value in (("alpha", alpha), ("low_hz", low_hz), ("high_hz", high_hz),
                         ("sample_rate_hz", sample_rate_hz), ("order", order), ("taps", taps),
                         ("reference_frame", reference_frame)):
        if value is not None:
            setattr(params, field, value)
    return params


def job_spec(params: pb.MagnifyParams, *, output_format: str, display_name: str,
             labels: Optional[Mapping[str, str]], filename: Optional[str]) -> pb.JobSpec:
    """The JobSpec message without its input fields."""
    return pb.JobSpec(display_name=display_name, labels=dict(labels or {}), params=params,
                      output_format=_choice("output_format", output_format, OUTPUT_FORMATS),
                      input_filename=os.path.basename(filename) if filename else "")
