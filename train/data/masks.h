// Random smooth shapes that cut objects out of photographs, standing in for the segmentation
// masks of PASCAL VOC objects (which are not available here): blobs (a circle with a few random
// harmonics on its radius) and star-shaped polygons; and thin strokes (a smooth curve a few pixels
// wide) standing in for the creases, strings and edges of real scenes, the structures whose
// magnified motion leaves no overlap between where they were and where they go. Masks are
// antialiased over about one pixel.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <vector>

namespace vmm::train {

// Shapes a mask can take.
enum class MaskShape { kBlob, kPolygon };

// Renders a `size` x `size` coverage mask in [0, 1] (row-major) of a random shape of the given
// kind, determined by `seed`, filling most of the square and touching none of its edges.
std::vector<float> RenderRandomMask(MaskShape shape, int size, uint64_t seed);

// Renders a `size` x `size` coverage mask in [0, 1] (row-major) of a random stroke `width`
// pixels wide: a quadratic Bezier curve between two points near opposite sides of the square,
// determined by `seed`, touching none of its edges.
std::vector<float> RenderStrokeMask(int size, double width, uint64_t seed);

}  // namespace vmm::train
