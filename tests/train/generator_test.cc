// Tests of the synthetic data generator: reproducibility, static scenes, sub-pixel motion of a
// smooth pattern, unbiased dithering, the motion limits of the sampler, thin strokes, the
// permuted channel orders, the anti-alias's width, and the heavy-noise anchor copies.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include <gtest/gtest.h>

#include "tests/train/test_pool.h"
#include "train/data/batch.h"
#include "train/data/masks.h"
#include "train/data/sample_generator.h"

namespace vmm::train {
namespace {

// Intensity-weighted centroid (x, y) of channel 0 of `image` minus the flat level `level`.
std::pair<double, double> Centroid(const PlanarImage& image, float level) {
  double sum = 0, sx = 0, sy = 0;
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      const double w = image.at(0, y, x) - level;
      sum += w;
      sx += w * x;
      sy += w * y;
    }
  }
  return {sx / sum, sy / sum};
}

double Mean(const PlanarImage& image) {
  double sum = 0;
  for (float v : image.data) sum += v;
  return sum / image.data.size();
}

// One blob on a flat background, moving by `motion`; no perturbation, noise or dithering.
SceneSpec BlobScene(Motion motion, double alpha) {
  SceneSpec scene;
  scene.part = ScenePart::kStaticBackground;
  scene.background.source_px_per_output_px = 1;
  ObjectSpec blob;
  blob.kind = ObjectKind::kStamp;
  blob.center_x = blob.center_y = 32;
  blob.size = 24;
  blob.motion = motion;
  scene.objects.push_back(blob);
  scene.alpha = alpha;
  scene.dither = false;
  return scene;
}

// BlobScene with the blob replaced by a black stroke `width` px wide and 40 px long.
SceneSpec BlackStrokeScene(Motion motion, double alpha, double width) {
  SceneSpec scene = BlobScene(motion, alpha);
  ObjectSpec& stroke = scene.objects[0];
  stroke.kind = ObjectKind::kPhotoStroke;
  stroke.size = 40;
  stroke.stroke_width = width;
  stroke.mask_seed = 7;
  stroke.jitter.gain[0] = stroke.jitter.gain[1] = stroke.jitter.gain[2] = 0;
  return scene;
}

GeneratorOptions SmallOptions(int crop) {
  GeneratorOptions options;
  options.crop_size = crop;
  options.seed = 42;
  return options;
}

TEST(GeneratorTest, SameSeedAndIndexGiveTheSameSample) {
  const auto pool = testing::MakeTexturedPool();
  SampleGenerator first(pool, SmallOptions(32)), second(pool, SmallOptions(32));
  const Sample a = first.Generate(5), b = second.Generate(5), other = first.Generate(6);
  EXPECT_EQ(a.frame_a.data, b.frame_a.data);
  EXPECT_EQ(a.frame_b.data, b.frame_b.data);
  EXPECT_EQ(a.target.data, b.target.data);
  EXPECT_EQ(a.alpha, b.alpha);
  EXPECT_NE(a.frame_a.data, other.frame_a.data);
  ASSERT_EQ(a.frame_a.channels, 3);
  EXPECT_EQ(a.frame_a.width, 32);
  for (float v : a.frame_b.data) ASSERT_TRUE(v >= -1.0f && v <= 1.0f);
}

TEST(GeneratorTest, StaticSceneHasIdenticalFramesBeforeNoise) {
  const auto pool = testing::MakeTexturedPool();
  SampleGenerator generator(pool, SmallOptions(32));
  int found = 0;
  for (uint64_t i = 0; i < 200 && found < 3; ++i) {
    SceneSpec scene = generator.DrawScene(i);
    if (scene.part != ScenePart::kStatic) continue;
    ++found;
    EXPECT_EQ(MaxInputMotion(scene), 0.0);
    scene.perturbation = ColourTransform{};
    scene.noise_level = 0;
    scene.dither = false;
    const Sample sample = generator.Render(scene);
    EXPECT_EQ(sample.frame_a.data, sample.frame_c.data);
    EXPECT_EQ(sample.frame_a.data, sample.frame_b.data);
    EXPECT_EQ(sample.frame_a.data, sample.target.data) << "alpha " << scene.alpha;
  }
  EXPECT_EQ(found, 3);
}

TEST(GeneratorTest, SubPixelShiftMovesCentroidByDAndTargetByAlphaTimesD) {
  SampleGenerator generator(testing::MakeFlatPool(100), SmallOptions(64));
  const Motion d{0.3, -0.2};
  const double alpha = 10;
  const Sample sample = generator.Render(BlobScene(d, alpha));
  const float level = 100 / 127.5f - 1;
  const auto [ax, ay] = Centroid(sample.frame_a, level);
  const auto [cx, cy] = Centroid(sample.frame_c, level);
  const auto [yx, yy] = Centroid(sample.target, level);
  EXPECT_NEAR(ax, 32, 1.0);
  EXPECT_NEAR(cx - ax, d.dx, 0.02);
  EXPECT_NEAR(cy - ay, d.dy, 0.02);
  EXPECT_NEAR(yx - ax, alpha * d.dx, 0.05);
  EXPECT_NEAR(yy - ay, alpha * d.dy, 0.05);
}

TEST(GeneratorTest, TinyShiftStillMovesTheCentroid) {
  SampleGenerator generator(testing::MakeFlatPool(100), SmallOptions(64));
  SceneSpec scene = BlobScene(Motion{0.05, 0}, 1);
  scene.dither = true;
  const float level = 100 / 127.5f - 1;
  // Dithering adds noise to each estimate; over many draws the shift survives quantisation.
  double total = 0;
  constexpr int kDraws = 40;
  for (int seed = 0; seed < kDraws; ++seed) {
    scene.noise_seed = seed;
    const Sample sample = generator.Render(scene);
    total += Centroid(sample.frame_c, level).first - Centroid(sample.frame_a, level).first;
  }
  EXPECT_NEAR(total / kDraws, 0.05, 0.006);
}

TEST(GeneratorTest, DitheredQuantisationIsUnbiased) {
  SampleGenerator generator(testing::MakeFlatPool(100), SmallOptions(64));
  SceneSpec scene;
  scene.part = ScenePart::kBackgroundOnly;
  scene.perturbation.gain = {1.003, 1.003, 1.003};  // 100 -> 100.3
  scene.dither = true;
  scene.noise_seed = 7;
  const double true_value = 100.3 / 127.5 - 1;
  EXPECT_NEAR(Mean(generator.Render(scene).frame_c), 100.0 / 127.5 - 1, 1e-5);
  EXPECT_NEAR(Mean(generator.Render(scene).target), true_value, 0.02 / 127.5);
  scene.dither = false;  // rounding to nearest loses the 0.3
  EXPECT_NEAR(Mean(generator.Render(scene).target), 100.0 / 127.5 - 1, 1e-5);
}

// A still scene with input noise of `level` and no dithering.
SceneSpec NoisyStillScene(double level) {
  SceneSpec scene;
  scene.part = ScenePart::kStatic;
  scene.noise_level = level;
  scene.dither = false;
  return scene;
}

TEST(GeneratorTest, NoiseOnlyOnInputFrames) {
  SampleGenerator generator(testing::MakeFlatPool(100), SmallOptions(32));
  const Sample sample = generator.Render(NoisyStillScene(0.3));
  EXPECT_EQ(sample.frame_c.data, sample.target.data);
  EXPECT_NE(sample.frame_a.data, sample.frame_c.data);
  EXPECT_NE(sample.frame_b.data, sample.frame_c.data);
}

// Draws `count` scenes from the textured test pool with the default options and with
// `options`, from the same seeds, and calls `check(i, plain, changed)` for each pair.
template <typename Check>
void ForEachScenePair(const SamplerOptions& options, uint64_t seed, int count, Check check) {
  std::shared_ptr<const ImagePool> pool = testing::MakeTexturedPool();
  const SceneSampler plain(pool, SamplerOptions{});
  const SceneSampler changed(pool, options);
  for (int i = 0; i < count; ++i) {
    check(i, plain.Draw(MixSeed(seed, i)), changed.Draw(MixSeed(seed, i)));
  }
}

// Root-mean-square difference of two images of one size.
double RmsDifference(const PlanarImage& a, const PlanarImage& b) {
  double sum = 0;
  for (size_t i = 0; i < a.data.size(); ++i) sum += (a.data[i] - b.data[i]) * (a.data[i] - b.data[i]);
  return std::sqrt(sum / a.data.size());
}

// The anchor copies of A and B carry the scene's heavy noise; A and B themselves are the same
// as without them, and a batch stacks the copies only when every sample has them.
TEST(GeneratorTest, AnchorCopiesCarryTheHeavyNoiseAndLeaveTheInputsAlone) {
  SampleGenerator generator(testing::MakeFlatPool(100), SmallOptions(32));
  SceneSpec scene = NoisyStillScene(0.1);
  const Sample plain = generator.Render(scene);
  EXPECT_TRUE(plain.anchor_a.data.empty());
  scene.anchor_noise_level = 3;
  const Sample anchored = generator.Render(scene);
  EXPECT_EQ(anchored.frame_a.data, plain.frame_a.data);
  EXPECT_EQ(anchored.frame_b.data, plain.frame_b.data);
  ASSERT_EQ(anchored.anchor_a.data.size(), plain.frame_a.data.size());
  ASSERT_EQ(anchored.anchor_b.data.size(), plain.frame_b.data.size());
  // Noise of level n has a standard deviation n * sqrt(x + 1) / sqrt(127.5) before clamping:
  // about 30 times the inputs' at level 3 against 0.1 (the clamp takes some of it back).
  const double light = RmsDifference(plain.frame_a, plain.frame_c);
  const double heavy = RmsDifference(anchored.anchor_a, plain.frame_c);
  EXPECT_GT(heavy, 10 * light);
  EXPECT_NE(anchored.anchor_a.data, anchored.anchor_b.data);  // independent noise

  const TrainingBatch both = ToBatch({anchored, anchored});
  ASSERT_TRUE(both.anchor_a.defined());
  EXPECT_EQ(both.anchor_a.sizes(), both.frame_a.sizes());
  EXPECT_FALSE(ToBatch({anchored, plain}).anchor_a.defined());
}

// Anchor noise levels only when asked, log-uniform within the range, and every other draw of
// the scene the same as without them.
TEST(SceneSamplerTest, AnchorNoiseLevelsOnlyWhenAskedAndTheScenesUnchanged) {
  SamplerOptions with_anchor;
  with_anchor.anchor_max_noise_level = 10;
  int below_geometric_mid = 0;
  constexpr int kScenes = 400;
  ForEachScenePair(with_anchor, 4, kScenes, [&](int i, const SceneSpec& a, const SceneSpec& b) {
    EXPECT_EQ(a.anchor_noise_level, 0);
    EXPECT_GE(b.anchor_noise_level, 0.3);
    EXPECT_LE(b.anchor_noise_level, 10);
    below_geometric_mid += b.anchor_noise_level < std::sqrt(0.3 * 10);
    EXPECT_EQ(b.part, a.part) << i;
    EXPECT_EQ(b.alpha, a.alpha) << i;
    EXPECT_EQ(b.noise_level, a.noise_level) << i;
    EXPECT_EQ(b.noise_seed, a.noise_seed) << i;
    EXPECT_EQ(b.objects.size(), a.objects.size()) << i;
  });
  EXPECT_NEAR(static_cast<double>(below_geometric_mid) / kScenes, 0.5, 0.08);
}

// A lower minimum reaches the light noise that training itself draws (level <= 0.3).
TEST(SceneSamplerTest, AnchorNoiseLevelsReachALowerMinimumWhenGivenOne) {
  SamplerOptions light;
  light.anchor_min_noise_level = 0.05;
  light.anchor_max_noise_level = 10;
  int light_levels = 0;
  constexpr int kScenes = 400;
  ForEachScenePair(light, 5, kScenes, [&](int, const SceneSpec&, const SceneSpec& b) {
    EXPECT_GE(b.anchor_noise_level, 0.05);
    EXPECT_LE(b.anchor_noise_level, 10);
    light_levels += b.anchor_noise_level < 0.3;
  });
  // log(0.3 / 0.05) / log(10 / 0.05) = 0.338 of the draws.
  EXPECT_NEAR(static_cast<double>(light_levels) / kScenes, 0.338, 0.08);
}

TEST(SceneSamplerTest, MotionStaysWithinTheLimits) {
  SceneSampler sampler(testing::MakeTexturedPool(), SamplerOptions{});
  int parts[kScenePartCount] = {};
  int sub_pixel = 0;
  for (uint64_t i = 0; i < 3000; ++i) {
    const SceneSpec scene = sampler.Draw(MixSeed(3, i));
    ++parts[static_cast<int>(scene.part)];
    const double d = MaxInputMotion(scene);
    ASSERT_LE(d, 10.0 + 1e-9);
    ASSERT_GE(scene.alpha, 1.0);
    ASSERT_LE(scene.alpha, 100.0 + 1e-9);
    ASSERT_LE(scene.alpha * d, 30.0 + 1e-9) << "scene " << i;
    if (d > 0 && d < 1) ++sub_pixel;
    if (scene.part == ScenePart::kBackgroundOnly) EXPECT_TRUE(scene.objects.empty());
    if (scene.part == ScenePart::kStaticBackground) {
      EXPECT_EQ(scene.background.motion.dx, 0.0);
    }
    if (scene.part != ScenePart::kBackgroundOnly) {
      EXPECT_GE(scene.objects.size(), 7u);
      EXPECT_LE(scene.objects.size(), 15u);
    }
  }
  for (int count : parts) EXPECT_GT(count, 450);
  EXPECT_GT(sub_pixel, 1000);  // log-uniform from 0.01 px: most moving scenes are sub-pixel
}

TEST(SceneSamplerTest, SetInputMotionRescalesEveryLayer) {
  SceneSampler sampler(testing::MakeTexturedPool(), SamplerOptions{});
  SceneSpec scene = sampler.Draw(11);
  SetInputMotion(scene, 0.25);
  EXPECT_NEAR(MaxInputMotion(scene), 0.25, 1e-12);
  SceneSpec still;
  SetInputMotion(still, 0.5);
  EXPECT_DOUBLE_EQ(still.background.motion.dx, 0.5);
}

// Sum of a mask's coverage.
double Area(const std::vector<float>& mask) {
  double area = 0;
  for (float v : mask) area += v;
  return area;
}

TEST(MaskTest, StrokeIsAThinCurveInsideTheSquare) {
  constexpr int kSize = 96;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const std::vector<float> thin = RenderStrokeMask(kSize, 2, seed);
    const std::vector<float> wide = RenderStrokeMask(kSize, 6, seed);
    for (int k = 0; k < kSize; ++k) {
      for (const std::vector<float>* mask : {&thin, &wide}) {
        ASSERT_EQ((*mask)[k], 0.0f) << "top edge, seed " << seed;
        ASSERT_EQ((*mask)[size_t(kSize - 1) * kSize + k], 0.0f) << "bottom edge, seed " << seed;
        ASSERT_EQ((*mask)[size_t(k) * kSize], 0.0f) << "left edge, seed " << seed;
        ASSERT_EQ((*mask)[size_t(k) * kSize + kSize - 1], 0.0f) << "right edge, seed " << seed;
      }
    }
    for (float v : wide) ASSERT_TRUE(v >= 0.0f && v <= 1.0f);
    // A curve from side to side: at least the square's half-width long, at most three sides.
    EXPECT_GT(Area(thin), 2 * 0.5 * kSize) << "seed " << seed;
    EXPECT_LT(Area(thin), 2 * 3.0 * kSize) << "seed " << seed;
    // The same curve, three times as wide (less near the ends and tight bends).
    EXPECT_NEAR(Area(wide) / Area(thin), 3.0, 0.6) << "seed " << seed;
  }
}

TEST(SceneSamplerTest, StrokesOnlyWhenAsked) {
  std::shared_ptr<const ImagePool> pool = testing::MakeTexturedPool();
  SamplerOptions with_strokes;
  with_strokes.stroke_fraction = 1;
  const SceneSampler plain(pool, SamplerOptions{});
  const SceneSampler stroked(pool, with_strokes);
  int strokes = 0;
  for (uint64_t i = 0; i < 200; ++i) {
    for (const ObjectSpec& object : plain.Draw(MixSeed(5, i)).objects) {
      ASSERT_NE(object.kind, ObjectKind::kPhotoStroke);
    }
    for (const ObjectSpec& object : stroked.Draw(MixSeed(5, i)).objects) {
      ASSERT_TRUE(object.kind == ObjectKind::kStamp || object.kind == ObjectKind::kPhotoStroke);
      if (object.kind == ObjectKind::kPhotoStroke) {
        ++strokes;
        EXPECT_GE(object.stroke_width, 1.0);
        EXPECT_LE(object.stroke_width, 6.0);
      }
    }
  }
  EXPECT_GT(strokes, 200);
}

// Thin scenes come in the share asked for, each 2-7 strokes over a smoothed background; every
// other scene is drawn exactly as without them.
TEST(SceneSamplerTest, ThinScenesInTheShareAskedAndTheOthersUnchanged) {
  SamplerOptions with_thin;
  with_thin.thin_scene_share = 0.3;
  int thin_scenes = 0;
  constexpr int kScenes = 400;
  ForEachScenePair(with_thin, 9, kScenes, [&](int i, const SceneSpec& a, const SceneSpec& b) {
    const bool all_strokes = !b.objects.empty() &&
                             std::all_of(b.objects.begin(), b.objects.end(), [](const auto& o) {
                               return o.kind == ObjectKind::kPhotoStroke;
                             });
    if (all_strokes) {
      ++thin_scenes;
      EXPECT_GE(b.objects.size(), 2u);
      EXPECT_LE(b.objects.size(), 7u);
      EXPECT_GE(b.background.blur_sigma, 2.0);
      EXPECT_LE(b.background.blur_sigma, 8.0);
      return;
    }
    // Not a thin scene: the same scene as without the option.
    EXPECT_EQ(b.part, a.part) << i;
    EXPECT_EQ(b.alpha, a.alpha) << i;
    EXPECT_EQ(b.background.source, a.background.source) << i;
    EXPECT_EQ(b.background.blur_sigma, a.background.blur_sigma) << i;
    ASSERT_EQ(b.objects.size(), a.objects.size()) << i;
    for (size_t k = 0; k < a.objects.size(); ++k) {
      EXPECT_EQ(b.objects[k].kind, a.objects[k].kind);
      EXPECT_EQ(b.objects[k].center_x, a.objects[k].center_x);
    }
  });
  EXPECT_NEAR(static_cast<double>(thin_scenes) / kScenes, 0.3, 0.07);
}

// Textures are drawn in the share asked for, for backgrounds and photo cut-outs alike; with a
// share of 0 the scenes are the same as from a pool without textures.
TEST(SceneSamplerTest, TexturesInTheShareAskedAndNoneByDefault) {
  std::vector<ByteImage> photographs{testing::MakeBackground(512, 0, true),
                                     testing::MakeBackground(512, 50, true)};
  std::vector<ByteImage> textures{testing::MakeBackground(512, 90, false)};
  const std::shared_ptr<const ImagePool> with_textures = ImagePool::FromImages(
      photographs, {testing::MakeBlobObject(64, 12)}, std::move(textures));
  const std::shared_ptr<const ImagePool> without =
      ImagePool::FromImages(photographs, {testing::MakeBlobObject(64, 12)});
  ASSERT_EQ(with_textures->photographs(), 2u);
  ASSERT_EQ(with_textures->backgrounds().size(), 3u);
  SamplerOptions quarter;
  quarter.texture_share = 0.25;
  const SceneSampler mixed(with_textures, quarter);
  const SceneSampler plain(with_textures, SamplerOptions{});
  const SceneSampler before(without, SamplerOptions{});
  int draws = 0, texture_draws = 0;
  for (uint64_t i = 0; i < 400; ++i) {
    const SceneSpec scene = mixed.Draw(MixSeed(9, i));
    std::vector<int> sources{scene.background.source};
    for (const ObjectSpec& object : scene.objects) {
      if (object.kind != ObjectKind::kStamp) sources.push_back(object.source);
    }
    for (int source : sources) {
      ++draws;
      texture_draws += source == 2;
    }
    const SceneSpec a = plain.Draw(MixSeed(9, i));
    const SceneSpec b = before.Draw(MixSeed(9, i));
    ASSERT_NE(a.background.source, 2);
    ASSERT_EQ(a.background.source, b.background.source);
    ASSERT_EQ(a.objects.size(), b.objects.size());
    ASSERT_EQ(a.alpha, b.alpha);
  }
  const double share = double(texture_draws) / draws;
  EXPECT_GT(share, 0.2);
  EXPECT_LT(share, 0.3);
}

TEST(GeneratorTest, StrokesRenderAndMoveWithTheirLayer) {
  SampleGenerator generator(testing::MakeTexturedPool(), SmallOptions(64));
  // One black stroke on a still background, moving 0.5 px right, magnified 10x, nothing else.
  const SceneSpec scene = BlackStrokeScene(Motion{0.5, 0}, 10, 3);
  const Sample sample = generator.Render(scene);
  // The frames differ where the stroke is, and the target moved it ten times as far.
  double moved_input = 0, moved_target = 0;
  for (size_t i = 0; i < sample.frame_a.data.size(); ++i) {
    moved_input += std::abs(sample.frame_c.data[i] - sample.frame_a.data[i]);
    moved_target += std::abs(sample.target.data[i] - sample.frame_a.data[i]);
  }
  EXPECT_GT(moved_input, 0);
  EXPECT_GT(moved_target, 4 * moved_input);
}

// The anti-alias's width (GeneratorOptions::antialias_sigma, the trainer's --antialias-sigma)
// decides how dark a thin line reaches the frames: a narrower Gaussian keeps more of it.
TEST(GeneratorTest, NarrowerAntialiasKeepsAThinStrokeDarker) {
  // One black stroke 1.5 px wide on a flat grey background, standing still.
  const SceneSpec scene = BlackStrokeScene(Motion{0, 0}, 1, 1.5);
  // How far the stroke's darkest pixel lies below the grey.
  auto depth = [&](double sigma) {
    GeneratorOptions options = SmallOptions(64);
    options.antialias_sigma = sigma;
    const Sample sample = SampleGenerator(testing::MakeFlatPool(200), options).Render(scene);
    const auto [darkest, grey] =
        std::minmax_element(sample.frame_a.data.begin(), sample.frame_a.data.end());
    return *grey - *darkest;
  };
  const float narrow = depth(0.25), standard = depth(0.5), wide = depth(1.0);
  EXPECT_GT(wide, 0);
  EXPECT_GT(narrow, 1.1f * standard);
  EXPECT_GT(standard, 1.1f * wide);
}

TEST(SceneSamplerTest, ChannelOrdersOnlyWhenAskedAndAllSixAlike) {
  std::shared_ptr<const ImagePool> pool = testing::MakeTexturedPool();
  SamplerOptions permuting;
  permuting.permute_channels = true;
  const SceneSampler plain(pool, SamplerOptions{});
  const SceneSampler permuted(pool, permuting);
  std::map<std::array<int, 3>, int> counts;
  for (uint64_t i = 0; i < 600; ++i) {
    const SceneSpec a = plain.Draw(MixSeed(5, i)), b = permuted.Draw(MixSeed(5, i));
    ASSERT_EQ(a.channel_order, (std::array<int, 3>{0, 1, 2}));
    // Everything else about the scene is the same: the order is drawn last.
    ASSERT_EQ(a.alpha, b.alpha);
    ASSERT_EQ(a.noise_seed, b.noise_seed);
    ASSERT_EQ(a.objects.size(), b.objects.size());
    std::array<int, 3> sorted = b.channel_order;
    std::sort(sorted.begin(), sorted.end());
    ASSERT_EQ(sorted, (std::array<int, 3>{0, 1, 2}));
    ++counts[b.channel_order];
  }
  ASSERT_EQ(counts.size(), 6u);
  for (const auto& [order, count] : counts) EXPECT_GT(count, 60) << order[0] << order[1] << order[2];
}

TEST(GeneratorTest, ChannelOrderPermutesEveryFrameAlike) {
  SampleGenerator generator(testing::MakeTexturedPool(), SmallOptions(32));
  SceneSpec scene = generator.DrawScene(3);
  scene.noise_level = 0;
  scene.dither = false;
  const Sample plain = generator.Render(scene);
  scene.channel_order = {2, 0, 1};
  const Sample permuted = generator.Render(scene);
  const size_t plane = size_t(32) * 32;
  for (const auto& [a, b] : {std::pair{&plain.frame_a, &permuted.frame_a},
                             std::pair{&plain.frame_b, &permuted.frame_b},
                             std::pair{&plain.frame_c, &permuted.frame_c},
                             std::pair{&plain.target, &permuted.target}}) {
    for (int c = 0; c < 3; ++c) {
      const int from = scene.channel_order[c];
      ASSERT_TRUE(std::equal(b->plane(c), b->plane(c) + plane, a->plane(from))) << "channel " << c;
    }
  }
  // The test pool's channels differ, so the permutation changed the frames.
  EXPECT_NE(plain.frame_a.data, permuted.frame_a.data);
}

}  // namespace
}  // namespace vmm::train
