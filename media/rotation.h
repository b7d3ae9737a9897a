// Rotation metadata: reads how far a video stream must be turned to be upright (from the
// display matrix, else the legacy "rotate" tag) and turns packed RGB24 frames by right angles.
// Stateless functions; thread-safe.
#pragma once

#include "media/frame.h"

extern "C" {
#include <libavformat/avformat.h>
}

namespace vmm::media {

// The clockwise rotation, in degrees (0, 90, 180 or 270), that makes `stream`'s decoded pictures
// upright, as players show them. Angles not a multiple of 90 are rounded to the nearest one.
int StreamRotationDegrees(const AVStream& stream);

// Turns `frame` clockwise by `degrees` (0, 90, 180 or 270), swapping width and height for 90
// and 270. Other values leave the frame unchanged.
void RotateClockwise(int degrees, Frame* frame);

}  // namespace vmm::media
