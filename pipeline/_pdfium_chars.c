/* The fast reader's repeated PDFium calls, looped in C.
 *
 * pipeline/fast_reader.py calls FPDFText_GetTextObject and
 * FPDFText_GetCharOrigin once for every character of every page, a few
 * calls for every text object and path segment, and turns every number
 * PDFium gives into its shortest decimal; through ctypes a call costs most
 * of a microsecond. These loops make the same calls, through the addresses
 * of pypdfium2's own PDFium functions (passed in, so nothing here links
 * against PDFium), and write the answers into the caller's numpy arrays.
 * Loaded with ctypes (``_char_loops`` in pipeline/fast_reader.py); when it
 * is not built, the reader makes the calls from Python, with the same
 * results (tests/test_fast_reader.py compares the two).
 *
 * It also boxes a page's characters (bp_char_boxes: fast_reader's
 * _char_boxes) and the spaces it puts back (bp_place_spaces: _Placer.place),
 * cuts the reader's pieces of text into words (bp_word_pieces:
 * fast_reader's _word_columns), groups words into lines (bp_group_lines:
 * pipeline/reader.py's _group_lines and _make_line) and reads the text of a
 * table's cells (bp_cell_texts: fast_reader's _cell_texts), on the arrays
 * the reader already has.
 *
 * Built by setup.py as an optional extension. It defines no Python module:
 * it only borrows the build machinery.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { float a, b, c, d, e, f; } fs_matrix;  /* PDFium's FS_MATRIX */

typedef void *(*text_object_fn)(void *textpage, int index);
typedef int (*char_origin_fn)(void *textpage, int index, double *x, double *y);

/* handles[i] = FPDFText_GetTextObject(textpage, indexes[i]) (0 for none). */
void bp_text_objects(text_object_fn get, void *textpage, const int64_t *indexes, int64_t count,
                     uint64_t *handles)
{
    for (int64_t i = 0; i < count; i++)
        handles[i] = (uint64_t)(uintptr_t)get(textpage, (int)indexes[i]);
}

/* FPDFText_GetCharOrigin for each index into xs[i], ys[i]. Returns 1, or 0
 * as soon as PDFium fails on one character. */
int bp_char_origins(char_origin_fn get, void *textpage, const int64_t *indexes, int64_t count,
                    double *xs, double *ys)
{
    for (int64_t i = 0; i < count; i++)
        if (!get(textpage, (int)indexes[i], &xs[i], &ys[i]))
            return 0;
    return 1;
}

/* out[i] = FPDFText_IsGenerated(textpage, indexes[i]) != 0. */
typedef int (*is_generated_fn)(void *textpage, int index);
void bp_is_generated(is_generated_fn get, void *textpage, const int64_t *indexes, int64_t count, uint8_t *out)
{
    for (int64_t i = 0; i < count; i++)
        out[i] = get(textpage, (int)indexes[i]) != 0;
}

/* For the first character of each run of one text object (indexes[i]):
 * FPDFText_GetMatrix's a, b, c, d into linear[4 * i ...] (where PDFium
 * fails, the previous run's, as one matrix reused from Python keeps them;
 * zeros before any), FPDFText_GetFontSize into sizes[i], and the object's
 * FPDFTextObj_GetFont into fonts[i]. */
typedef int (*get_matrix_fn)(void *textpage, int index, fs_matrix *matrix);
typedef double (*font_size_fn)(void *textpage, int index);
typedef void *(*object_font_fn)(void *object);
void bp_run_info(get_matrix_fn get_matrix, font_size_fn font_size, object_font_fn object_font, void *textpage,
                 const int64_t *indexes, const uint64_t *objects, int64_t count, double *linear, double *sizes,
                 uint64_t *fonts)
{
    fs_matrix matrix = {0, 0, 0, 0, 0, 0};
    for (int64_t i = 0; i < count; i++) {
        int index = (int)indexes[i];
        get_matrix(textpage, index, &matrix);
        linear[4 * i] = matrix.a;
        linear[4 * i + 1] = matrix.b;
        linear[4 * i + 2] = matrix.c;
        linear[4 * i + 3] = matrix.d;
        sizes[i] = font_size(textpage, index);
        fonts[i] = (uint64_t)(uintptr_t)object_font((void *)(uintptr_t)objects[i]);
    }
}

/* fast_reader._decimal: the shortest decimal (1 to 9 significant digits)
 * that rounds to the same single as value does, else value itself, trying
 * each number of digits in turn. The cast, printf and strtod round
 * correctly, as Python's struct, formatting and float() do, so the digits
 * and the double they parse to are Python's (tests/test_fast_reader.py
 * compares the two). */
static double decimal_by_digits(double value)
{
    float single = (float)value;
    char text[64];
    for (int digits = 1; digits <= 9; digits++) {
        snprintf(text, sizeof text, "%.*g", digits, (double)single);
        double candidate = strtod(text, NULL);
        if ((float)candidate == single)
            return candidate;
    }
    return value;
}

/* decimal_by_digits(value), most numbers without printf: numbers in a PDF
 * have a few decimal places. Rounding to k places is rounding to (digits
 * before the point) + k significant digits, so trying k = 0, 1, ... tries
 * the same candidates in the same order (below 2^23 a rounding inside the
 * whole part comes back only where the single is a whole number, which
 * k = 0 gives). The single times 10^k is exact in a double (24 + 20 bits),
 * nearbyint rounds half to even as printf does, and a whole number over 10^k
 * rounds as strtod rounds its decimal (benchmarks/check_decimals.py compares
 * the two on tens of millions of singles). */
static double decimal_of(double value)
{
    float single = (float)value;
    if (fabs((double)single) < 8388608.0) {
        double scale = 1.0;
        for (int k = 0; k <= 6; k++, scale *= 10.0) {
            double candidate = nearbyint((double)single * scale) / scale;
            if ((float)candidate == single)
                return candidate;
        }
    }
    return decimal_by_digits(value);
}

/* out[i] = _decimal(values[i]), through a cache of the caller's: slots
 * (a power of two) entries of keys (a value's bits), answers and whether
 * each is used. */
void bp_decimals(const double *values, int64_t count, double *out, uint64_t *keys, double *answers,
                 uint8_t *used, int64_t slots)
{
    for (int64_t i = 0; i < count; i++) {
        uint64_t bits;
        memcpy(&bits, &values[i], sizeof bits);
        int64_t slot = (int64_t)((bits * UINT64_C(0x9E3779B97F4A7C15)) >> 40) & (slots - 1);
        if (used[slot] && keys[slot] == bits) {
            out[i] = answers[slot];
            continue;
        }
        out[i] = answers[slot] = decimal_of(values[i]);
        keys[slot] = bits;
        used[slot] = 1;
    }
}

/* FPDFPageObj_GetMatrix of object into out[0 .. 6), the identity where
 * PDFium has none (fast_reader._object_matrix). */
typedef int (*object_matrix_fn)(void *object, fs_matrix *matrix);
static void matrix_of(object_matrix_fn object_matrix, void *object, double *out)
{
    fs_matrix m;
    if (!object_matrix(object, &m))
        m = (fs_matrix){1, 0, 0, 1, 0, 0};
    out[0] = m.a, out[1] = m.b, out[2] = m.c, out[3] = m.d, out[4] = m.e, out[5] = m.f;
}

/* For each text object PDFium left out of its text page (handles[i]):
 * status[i] 0 where it draws ink (FPDFPageObj_GetBounds wider and taller
 * than empty), 1 where it has no font size, else 2 with its
 * FPDFPageObj_GetMatrix (the identity where PDFium has none) in
 * matrix[6 * i ...], FPDFTextObj_GetFontSize in sizes[i] and
 * FPDFTextObj_GetFont in fonts[i]: what fast_reader._dropped_space asks. */
typedef int (*bounds_fn)(void *object, float *left, float *bottom, float *right, float *top);
typedef int (*object_font_size_fn)(void *object, float *size);
void bp_dropped_info(bounds_fn bounds, object_matrix_fn object_matrix, object_font_size_fn font_size,
                     object_font_fn object_font, const uint64_t *handles, int64_t count, double empty,
                     uint8_t *status, double *matrix, double *sizes, uint64_t *fonts)
{
    for (int64_t i = 0; i < count; i++) {
        void *object = (void *)(uintptr_t)handles[i];
        float left, bottom, right, top, size;
        if (bounds(object, &left, &bottom, &right, &top)
                && (double)right - (double)left > empty && (double)top - (double)bottom > empty) {
            status[i] = 0;
            continue;
        }
        matrix_of(object_matrix, object, &matrix[6 * i]);
        if (!font_size(object, &size)) {
            status[i] = 1;
            continue;
        }
        sizes[i] = size;
        fonts[i] = (uint64_t)(uintptr_t)object_font(object);
        status[i] = 2;
    }
}

/* The segments of each path in paths[0 .. count), as fast_reader._path_ops
 * lists them: letters[j] 'm', 'l', 'c' (a curve's end point; its control
 * points skipped) with the point in xs[j], ys[j], or 'h' after a segment
 * that closes the path; ends[i] is where path i's ops end. point is the
 * caller's pair of floats FPDFPathSegment_GetPoint writes into (a failed
 * call leaves the last point, as in Python). Per path too: its
 * FPDFPageObj_GetMatrix (the identity where PDFium has none) into
 * matrices[6 * i ...], FPDFPath_GetDrawMode's fill mode and stroke (a
 * failed call leaves the last path's; zeros before any) and, where it
 * fills, FPDFPageObj_GetFillColor's red, green and blue (-1 where that
 * fails). Returns the number of ops, or minus the room needed when
 * capacity is short (then nothing is done). */
typedef int (*count_segments_fn)(void *path);
typedef void *(*get_segment_fn)(void *path, int index);
typedef int (*segment_type_fn)(void *segment);
typedef int (*segment_point_fn)(void *segment, float *x, float *y);
typedef int (*segment_close_fn)(void *segment);
typedef int (*draw_mode_fn)(void *path, int *fill_mode, int *stroke);
typedef int (*fill_color_fn)(void *object, unsigned *r, unsigned *g, unsigned *b, unsigned *a);
int64_t bp_paths(count_segments_fn count_segments, get_segment_fn get_segment, segment_type_fn segment_type,
                 segment_point_fn segment_point, segment_close_fn segment_close, object_matrix_fn object_matrix,
                 draw_mode_fn draw_mode, fill_color_fn fill_color, int moveto, int bezierto,
                 const uint64_t *paths, int64_t count, float *point, int64_t capacity, uint8_t *letters,
                 double *xs, double *ys, int64_t *ends, double *matrices, int32_t *modes, int32_t *colours)
{
    int64_t needed = 0;
    for (int64_t i = 0; i < count; i++) {
        int segments = count_segments((void *)(uintptr_t)paths[i]);
        if (segments > 0)
            needed += 2 * (int64_t)segments;
    }
    if (needed > capacity)
        return -needed;
    int64_t j = 0;
    int fill_mode = 0, stroke = 0;
    for (int64_t i = 0; i < count; i++) {
        void *path = (void *)(uintptr_t)paths[i];
        int segments = count_segments(path), bezier = 0;
        int64_t start = j;
        for (int k = 0; k < segments; k++) {
            void *segment = get_segment(path, k);
            if (!segment)
                continue;
            int kind = segment_type(segment);
            char letter;
            if (kind == bezierto) {
                bezier++;
                if (bezier % 3)
                    continue;
                letter = 'c';
            } else {
                bezier = 0;
                letter = kind == moveto ? 'm' : 'l';
            }
            segment_point(segment, &point[0], &point[1]);
            letters[j] = (uint8_t)letter, xs[j] = point[0], ys[j] = point[1];
            j++;
            if (segment_close(segment)) {
                letters[j] = 'h', xs[j] = 0, ys[j] = 0;
                j++;
            }
        }
        ends[i] = j;
        if (j == start || letters[start] != 'm')
            continue;  /* not a shape: Python asks no more of it */
        matrix_of(object_matrix, path, &matrices[6 * i]);
        draw_mode(path, &fill_mode, &stroke);
        modes[2 * i] = fill_mode, modes[2 * i + 1] = stroke;
        unsigned r, g, b, a;
        if (fill_mode && fill_color(path, &r, &g, &b, &a))
            colours[3 * i] = (int32_t)r, colours[3 * i + 1] = (int32_t)g, colours[3 * i + 2] = (int32_t)b;
        else
            colours[3 * i] = colours[3 * i + 1] = colours[3 * i + 2] = -1;
    }
    return j;
}

/* pdfminer's paint_path (fast_reader._classify) for each path i that is a
 * shape (is_shape[i]; its ops are letters, xs, ys [ends[i - 1], ends[i]) as
 * bp_paths gives them, its points already decimals) with transforms[6 * i
 * ...] (a, b, c, d, e, f): the path cut at its move-tos as
 * re.finditer("m[^m]+") cuts it (whole where it has one move-to), each
 * subpath a rect (kind 0), line (1) or curve (2) with its points, the
 * transformed ones (a rect's four corners, a line's two) in px, py
 * [pt_ends[j - 1], pt_ends[j]), its path in owners[j] and its extent (Python's
 * min and max over its points: x0, y0, x1, y1) in extents[4 * j ...].
 * Returns the number of subpaths; there is room for one a letter, and for a
 * point a letter. */
static int same_point(const double *px, const double *py, int64_t i, int64_t j)
{
    return px[i] == px[j] && py[i] == py[j];
}

int64_t bp_shapes(const uint8_t *letters, const double *xs, const double *ys, const int64_t *ends,
                  const uint8_t *is_shape, const double *transforms, int64_t count, uint8_t *kinds,
                  int64_t *owners, int64_t *pt_ends, double *px, double *py, double *extents)
{
    int64_t n = 0, p = 0, start = 0;
    for (int64_t i = 0; i < count; start = ends[i], i++) {
        int64_t end = ends[i];
        if (!is_shape[i])
            continue;
        const double *t = &transforms[6 * i];
        int64_t moves = 0;
        for (int64_t k = start; k < end; k++)
            moves += letters[k] == 'm';
        int64_t k = start;
        while (k < end) {
            int64_t b, e;
            if (moves == 1) {
                b = start, e = end, k = end;
            } else {
                while (k < end && letters[k] != 'm')
                    k++;
                if (k >= end)
                    break;
                b = k, e = k + 1;
                while (e < end && letters[e] != 'm')
                    e++;
                k = e;
                if (e - b < 2)
                    continue;  /* a lone move-to */
            }
            /* the points; a close-path's is the subpath's first */
            int64_t first = p, len = e - b;
            for (int64_t q = b; q < e; q++) {
                double x = letters[q] == 'h' ? xs[b] : xs[q], y = letters[q] == 'h' ? ys[b] : ys[q];
                px[p] = t[0] * x + t[2] * y + t[4];
                py[p] = t[1] * x + t[3] * y + t[5];
                p++;
            }
            char shape[6] = {0};
            int short_shape = len <= 5;
            if (short_shape)
                memcpy(shape, &letters[b], (size_t)len);
            if (len > 3 && letters[e - 2] == 'l' && letters[e - 1] == 'h' && same_point(px, py, p - 2, first)) {
                len--, p--;  /* "lh" back to the start: "h" */
                short_shape = len <= 5;
                if (short_shape) {
                    memcpy(shape, &letters[b], (size_t)len);
                    shape[len - 1] = 'h';
                    shape[len] = 0;
                }
            }
            uint8_t kind = 2;
            if (short_shape && (!strcmp(shape, "mlh") || !strcmp(shape, "ml"))) {
                kind = 1;
                p = first + 2;
            } else if (short_shape && (!strcmp(shape, "mlllh") || !strcmp(shape, "mllll"))) {
                double x0 = px[first], y0 = py[first], x1 = px[first + 1], y1 = py[first + 1];
                double x2 = px[first + 2], y2 = py[first + 2], x3 = px[first + 3], y3 = py[first + 3];
                int square = (x0 == x1 && y1 == y2 && x2 == x3 && y3 == y0) || (y0 == y1 && x1 == x2 && y2 == y3 && x3 == x0);
                if (same_point(px, py, first, first + 4) && square) {
                    kind = 0;
                    px[first + 1] = x2, py[first + 1] = y0;
                    px[first + 2] = x2, py[first + 2] = y2;
                    px[first + 3] = x0, py[first + 3] = y2;
                    p = first + 4;
                }
            }
            double *extent = &extents[4 * n];
            extent[0] = extent[2] = px[first], extent[1] = extent[3] = py[first];
            for (int64_t q = first + 1; q < p; q++) {
                if (px[q] < extent[0]) extent[0] = px[q];
                if (py[q] < extent[1]) extent[1] = py[q];
                if (px[q] > extent[2]) extent[2] = px[q];
                if (py[q] > extent[3]) extent[3] = py[q];
            }
            kinds[n] = kind, owners[n] = i, pt_ends[n] = p;
            n++;
        }
    }
    return n;
}

/* The page's objects (FPDFPage_GetObject for each of its
 * FPDFPage_CountObjects, leaving out none PDFium fails to give) into
 * handles, their FPDFPageObj_GetType into types. Returns how many, or
 * minus the room needed when capacity is short (then nothing is written). */
typedef int (*count_objects_fn)(void *page);
typedef void *(*page_object_fn)(void *page, int index);
typedef int (*object_type_fn)(void *object);
int64_t bp_page_objects(count_objects_fn count_objects, page_object_fn page_object, object_type_fn object_type,
                        void *page, int64_t capacity, uint64_t *handles, int32_t *types)
{
    int count = count_objects(page);
    if (count <= 0)
        return 0;
    if (count > capacity)
        return -(int64_t)count;
    int64_t j = 0;
    for (int k = 0; k < count; k++) {
        void *object = page_object(page, k);
        if (!object)
            continue;
        handles[j] = (uint64_t)(uintptr_t)object;
        types[j] = object_type(object);
        j++;
    }
    return j;
}

/* --- words into lines: pipeline.reader._group_lines and _make_line ------ */

/* Sort idx[0..n) stably by (primary, secondary) ascending: a merge sort,
 * comparing as Python compares tuples of floats that are not NaN. */
static void sort_by(int64_t *idx, int64_t *tmp, int64_t n, const double *primary, const double *secondary)
{
    for (int64_t width = 1; width < n; width *= 2) {
        for (int64_t lo = 0; lo < n; lo += 2 * width) {
            int64_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            int64_t a = lo, b = mid, k = lo;
            while (a < mid && b < hi) {
                int64_t x = idx[a], y = idx[b];
                /* take from the right only when strictly smaller: stable */
                int right = primary[y] < primary[x] || (primary[y] == primary[x] && secondary[y] < secondary[x]);
                tmp[k++] = right ? idx[b++] : idx[a++];
            }
            while (a < mid)
                tmp[k++] = idx[a++];
            while (b < hi)
                tmp[k++] = idx[b++];
        }
        memcpy(idx, tmp, (size_t)n * sizeof(int64_t));
    }
}

/* The lines of n words (none NaN): the words sorted by top then x0 and
 * clustered, a word joining the line when its top is within
 * max(2, 0.35 * the larger size) of the line's first word's top, or when it
 * is smaller and its middle lies within that word's top and bottom; each
 * line's words then sorted by x0. Writes order (the words, line by line),
 * line_end[l] (where line l ends in order), sep[k] (what goes before
 * order[k] in the line's text: 0 nothing, 1 a space, 2 a tab for a gap over
 * column_gap_ems sizes), box[5 * l ...] (x0, top, x1, bottom, largest size),
 * font[l] (the font with the most characters, the first seen of equals) and
 * bold[l] (bold fonts have 60% of its characters, or some and its font is
 * bold). lengths are the words' lengths in characters, font_ids index
 * bold_font and name the words' fonts; scratch holds 3 * n int64. Returns
 * the number of lines, or -1 when font ids are out of range. */
int64_t bp_group_lines(int64_t n, const double *top, const double *bottom, const double *x0, const double *x1,
                       const double *size, const int32_t *font_ids, const int64_t *lengths,
                       const uint8_t *bold_font, int32_t fonts, double column_gap_ems, int64_t *scratch,
                       int64_t *order, int64_t *line_end, uint8_t *sep, double *box, int32_t *font,
                       uint8_t *bold)
{
    int64_t *tmp = scratch, *seen = scratch + n, *weight = scratch + 2 * n;
    for (int64_t i = 0; i < n; i++) {
        if (font_ids[i] < 0 || font_ids[i] >= fonts)
            return -1;
        order[i] = i;
    }
    sort_by(order, tmp, n, top, x0);
    int64_t lines = 0;
    double anchor_top = 0, anchor_bottom = 0, anchor_size = 0;
    for (int64_t k = 0; k < n; k++) {
        int64_t i = order[k];
        if (k > 0) {
            double s = size[i], tolerance = 0.35 * (s > anchor_size ? s : anchor_size);
            if (!(tolerance > 2.0))
                tolerance = 2.0;
            double middle = (top[i] + bottom[i]) / 2;
            if (fabs(top[i] - anchor_top) <= tolerance
                || (anchor_top <= middle && middle <= anchor_bottom && s < anchor_size))
                continue;
            line_end[lines++] = k;
        }
        anchor_top = top[i], anchor_bottom = bottom[i], anchor_size = size[i];
    }
    if (n > 0)
        line_end[lines++] = n;
    int64_t start = 0;
    for (int64_t l = 0; l < lines; l++) {
        int64_t end = line_end[l], count = end - start;
        if (count > 1)
            sort_by(order + start, tmp, count, x0, x0);
        int64_t first = order[start], distinct = 0;
        double bx0 = x0[first], btop = top[first], bx1 = x1[first], bbottom = bottom[first], largest = size[first];
        for (int64_t k = start; k < end; k++) {
            int64_t w = order[k];
            sep[k] = 0;
            if (k > start) {
                int64_t p = order[k - 1];
                double gap = x0[w] - x1[p], s = size[p];
                if (size[w] > s)
                    s = size[w];
                if (1.0 > s)
                    s = 1.0;
                sep[k] = gap > column_gap_ems * s ? 2 : gap > 0.12 * s ? 1 : 0;
                if (x0[w] < bx0) bx0 = x0[w];
                if (top[w] < btop) btop = top[w];
                if (x1[w] > bx1) bx1 = x1[w];
                if (bottom[w] > bbottom) bbottom = bottom[w];
                if (size[w] > largest) largest = size[w];
            }
            int64_t j = 0;  /* the word's font among the line's, in the order first seen */
            while (j < distinct && seen[j] != font_ids[w])
                j++;
            if (j == distinct) {
                seen[distinct] = font_ids[w];
                weight[distinct++] = 0;
            }
            weight[j] += lengths[w];
        }
        int64_t best = 0, bold_chars = 0, total = 0;
        for (int64_t j = 0; j < distinct; j++) {
            if (weight[j] > weight[best])
                best = j;
            if (bold_font[seen[j]])
                bold_chars += weight[j];
            total += weight[j];
        }
        if (total == 0)
            total = 1;
        double *out = box + 5 * l;
        out[0] = bx0, out[1] = btop, out[2] = bx1, out[3] = bbottom, out[4] = largest;
        font[l] = (int32_t)seen[best];
        bold[l] = (double)bold_chars / (double)total >= 0.6 || (bold_chars && bold_font[seen[best]]);
        start = end;
    }
    return lines;
}

/* --- characters' boxes: pipeline/fast_reader.py's _char_boxes ----------- */

/* The boxes of m characters in lines (line l: characters line_starts[l] to
 * the next line's start, or m; line_starts[0] is 0), pdfminer's arithmetic
 * as _char_boxes does it with numpy, in the same order:
 *   each line's baseline f = dec_y + ctm5, y0 = d * low + f and
 *   y1 = d * high + f (line_box: d, low, high), top = (height - y1) + mb_top,
 *   bottom = (height - y0) + mb_top, height[l] = y1 - y0;
 *   each character's x0 = dec_x where its origin is the line's first, else
 *   dec_x + (x - x_first), then + shift_x where shift_x is not 0;
 *   x1 = advance + x0; both + mb_x0 where mb_x0 is not 0;
 *   key_ids the line, seqs the line's seq; space where the code is 32;
 *   cut where a piece starts: a new line (new_line), a space or after one,
 *   or a character not within [x0 of the last, x1 of the last + x_tolerance].
 * Built with -ffp-contract=off: no fused multiply-add, the same roundings
 * as numpy's. */
void bp_char_boxes(int64_t m, int64_t lines, const int64_t *line_starts, const double *xs, const double *dec_y,
                   const double *dec_x, const double *line_box, const int64_t *line_seq, const double *advances,
                   const uint32_t *codes, const uint8_t *new_line, const double *place, double *x0, double *top,
                   double *x1, double *bottom, double *height, int64_t *key_ids, int64_t *seqs, uint8_t *space,
                   uint8_t *cut)
{
    /* place: ctm5, page height, mb_top, shift_x, mb_x0, x_tolerance */
    double ctm5 = place[0], page_height = place[1], mb_top = place[2], shift_x = place[3], mb_x0 = place[4];
    double x_tolerance = place[5];
    for (int64_t l = 0; l < lines; l++) {
        int64_t start = line_starts[l], end = l + 1 < lines ? line_starts[l + 1] : m;
        double f = dec_y[l] + ctm5;
        double d = line_box[3 * l], y0 = d * line_box[3 * l + 1] + f, y1 = d * line_box[3 * l + 2] + f;
        double t = (page_height - y1) + mb_top, b = (page_height - y0) + mb_top;
        double x_first = xs[start], x_file = dec_x[l];
        height[l] = y1 - y0;
        for (int64_t k = start; k < end; k++) {
            double v = xs[k] == x_first ? x_file : x_file + (xs[k] - x_first);
            if (shift_x != 0.0)  /* as Python's truth: NaN is true */
                v = v + shift_x;
            double w = advances[k] + v;
            if (mb_x0 != 0.0) {
                v = v + mb_x0;
                w = w + mb_x0;
            }
            x0[k] = v;
            x1[k] = w;
            top[k] = t;
            bottom[k] = b;
            key_ids[k] = l;
            seqs[k] = line_seq[l];
            space[k] = codes[k] == 32;
            uint8_t c = new_line[k] || space[k];
            if (k > 0)
                c = c || space[k - 1] || !(x0[k - 1] <= v && v <= x1[k - 1] + x_tolerance);
            cut[k] = c;
        }
    }
}


/* The spaces put back for text objects PDFium left out (fast_reader's
 * _dropped_spaces), placed as _Placer.place places them: for space i,
 * matrix[6i .. 6i+6) (a, b, c, d, x, y as decimals), its font size (a
 * decimal), its font's descent and space width (1/1000 em); place: the
 * page's ctm (six numbers), height, MediaBox top and x0. The same
 * arithmetic as _space_at's, in the same order: extent y_low = descent *
 * 0.001 * size up to y_low + size, advance = width * 0.001 * size, the
 * linear part in device space, the box, swapped where reversed. skewed[i]
 * for a space rotated or skewed (its box is left to Python). */
void bp_place_spaces(int64_t n, const double *matrix, const double *size, const double *descent,
                     const double *width, const double *place, double *x0, double *top, double *x1,
                     double *bottom, uint8_t *upright, double *height, uint8_t *skewed)
{
    double ca = place[0], cb = place[1], cc = place[2], cd = place[3], ce = place[4], cf = place[5];
    double page_height = place[6], mb_top = place[7], mb_x0 = place[8];
    for (int64_t i = 0; i < n; i++) {
        const double *m = matrix + 6 * i;
        double a = m[0], b = m[1], c = m[2], d = m[3], x = m[4], y = m[5];
        double y_low = descent[i] * 0.001 * size[i], advance = width[i] * 0.001 * size[i];
        double y_high = y_low + size[i];
        double la = a * ca + b * cc, lb = a * cb + b * cd, lc = c * ca + d * cc, ld = c * cb + d * cd;
        double e = ca * x + cc * y + ce, f = cb * x + cd * y + cf;
        double left = e, right = la * advance + e, y0 = ld * y_low + f, y1 = ld * y_high + f;
        if (right < left) {
            double t = left;
            left = right, right = t;
        }
        if (y1 < y0) {
            double t = y0;
            y0 = y1, y1 = t;
        }
        if (mb_x0 != 0.0) {  /* as Python's truth: NaN is true */
            left = left + mb_x0;
            right = right + mb_x0;
        }
        x0[i] = left;
        x1[i] = right;
        top[i] = (page_height - y1) + mb_top;
        bottom[i] = (page_height - y0) + mb_top;
        upright[i] = la * ld > 0;
        height[i] = y1 - y0;
        skewed[i] = lb != 0.0 || lc != 0.0;
    }
}


/* --- words: pipeline/fast_reader.py's _word_columns, on the piece arrays -- */

/* For n pieces in content order (none NaN): each piece's line (line[i]: a
 * run of pieces of one key clustered by top, or by 0.0 when not upright,
 * within y_tolerance; numbered by run, then top); slow[l] for the lines to
 * read a character at a time (not upright, or two pieces along the line out
 * of order); the pieces along their lines (pieces: sorted by line, then x0,
 * stably; spaces and slow lines' pieces left out) with starts[k] when
 * pieces[k] starts a word (a new line, after a space, beyond x_tolerance of
 * the last piece along, or beyond y_tolerance across). counts[0]: pieces
 * kept, counts[1]: lines. scratch holds 2 * n int64, dscratch 2 * n
 * doubles. */
void bp_word_pieces(int64_t n, const int64_t *key, const uint8_t *upright, const double *top, const double *x0,
                    const double *last_x0, const double *last_x1, const uint8_t *space, double x_tolerance,
                    double y_tolerance, int64_t *scratch, double *dscratch, int64_t *line, uint8_t *slow,
                    int64_t *pieces, uint8_t *starts, int64_t *counts)
{
    int64_t *order = scratch, *tmp = scratch + n;
    double *run = dscratch, *value = dscratch + n;
    double r = 0;
    for (int64_t i = 0; i < n; i++) {
        if (i > 0 && key[i] != key[i - 1])
            r += 1;
        run[i] = r;
        value[i] = upright[i] ? top[i] : 0.0;
        order[i] = i;
    }
    sort_by(order, tmp, n, run, value);
    int64_t lines = 0;
    for (int64_t k = 0; k < n; k++) {
        int64_t i = order[k], p = k > 0 ? order[k - 1] : 0;
        if (k > 0 && (run[i] != run[p] || value[i] > value[p] + y_tolerance))
            lines++;
        line[i] = lines;
    }
    lines = n > 0 ? lines + 1 : 0;
    for (int64_t l = 0; l < lines; l++)
        slow[l] = 0;
    /* along each line (run and value are free now: the line and x0 as keys) */
    for (int64_t i = 0; i < n; i++) {
        run[i] = (double)line[i];
        order[i] = i;
        if (!upright[i])
            slow[line[i]] = 1;
    }
    sort_by(order, tmp, n, run, x0);
    for (int64_t k = 1; k < n; k++)
        if (line[order[k]] == line[order[k - 1]] && x0[order[k]] <= last_x0[order[k - 1]])
            slow[line[order[k]]] = 1;
    int64_t kept = 0;
    for (int64_t k = 0; k < n; k++) {
        int64_t i = order[k];
        int start = k == 0;
        if (k > 0) {
            int64_t p = order[k - 1];
            start = line[i] != line[p] || space[p] || x0[i] > last_x1[p] + x_tolerance
                    || fabs(top[i] - top[p]) > y_tolerance;
        }
        if (space[i] || slow[line[i]])
            continue;
        pieces[kept] = i;
        starts[kept++] = (uint8_t)start;
    }
    counts[0] = kept;
    counts[1] = lines;
}

/* --- table cells: pipeline/fast_reader.py's _cell_texts, a cell at a time -- */

/* Cluster ids of values[idx[0..n)] (sorted by value into sorted, a scratch
 * of n): a new cluster where a value exceeds the one before it in value
 * order by more than tolerance, numbered in value order, into ids[j] (as
 * doubles, for sort_by). */
static void cluster(const int64_t *idx, int64_t n, const double *values, double tolerance, int64_t *sorted,
                    int64_t *tmp, double *ids)
{
    for (int64_t j = 0; j < n; j++)
        sorted[j] = j;
    /* sort positions j by values[idx[j]]: through a gathered copy in ids */
    for (int64_t j = 0; j < n; j++)
        ids[j] = values[idx[j]];
    sort_by(sorted, tmp, n, ids, ids);
    double *by_position = (double *)tmp;  /* reuse tmp as the output before writing ids */
    double id = 0;
    for (int64_t k = 0; k < n; k++) {
        if (k > 0 && ids[sorted[k]] > ids[sorted[k - 1]] + tolerance)
            id += 1;
        by_position[sorted[k]] = id;
    }
    memcpy(ids, by_position, (size_t)n * sizeof(double));
}

/* The text of each of n_cells cells (boxes: x0, top, x1, bottom each) from
 * the candidate characters cand[0..n_cand) (indexes into the page's arrays,
 * in content order): a character belongs to every cell holding the middle
 * of its box (h, v); a cell's characters in lines by top (tolerance 3), each
 * line along x0, cut into words at spaces and gaps (more than 3 along or
 * across); the words in lines by their top, joined by spaces, the lines by
 * line breaks. state[c]: 0 no character, 1 text in out[begin[c]..end[c]),
 * 2 some character not upright (left to the caller). Returns the code
 * points written; minus the room needed when room is too small (then out
 * is incomplete); INT64_MIN when memory cannot be had. */
int64_t bp_cell_texts(int64_t n_cells, const double *boxes, int64_t n_cand, const int64_t *cand, const double *h,
                      const double *v, const double *x0, const double *top, const double *x1, const uint32_t *codes,
                      const uint8_t *upright, int64_t room, uint32_t *out, int64_t *begin, int64_t *end,
                      uint8_t *state)
{
    int64_t n = n_cand > 0 ? n_cand : 1;
    int64_t *mem = malloc((size_t)n * sizeof(int64_t)), *order = malloc((size_t)n * sizeof(int64_t));
    int64_t *tmp = malloc((size_t)n * sizeof(int64_t)), *sorted = malloc((size_t)n * sizeof(int64_t));
    int64_t *kept = malloc((size_t)n * sizeof(int64_t)), *heads = malloc((size_t)(n + 1) * sizeof(int64_t));
    double *line = malloc((size_t)n * sizeof(double)), *along = malloc((size_t)n * sizeof(double));
    double *word_top = malloc((size_t)n * sizeof(double)), *word_line = malloc((size_t)n * sizeof(double));
    int64_t *by_v = malloc((size_t)n * sizeof(int64_t)), *picked = malloc((size_t)n * sizeof(int64_t));
    double *v_sorted = malloc((size_t)n * sizeof(double)), *position = malloc((size_t)n * sizeof(double));
    int64_t written = 0;
    if (!mem || !order || !tmp || !sorted || !kept || !heads || !line || !along || !word_top || !word_line
        || !by_v || !picked || !v_sorted || !position) {
        written = INT64_MIN;
        goto done;
    }
    /* The candidates by their middle down the page (no NaN: the caller
     * checks), so that a cell looks only at those level with it. */
    for (int64_t k = 0; k < n_cand; k++)
        by_v[k] = k, position[k] = (double)k, v_sorted[k] = v[cand[k]];
    sort_by(by_v, tmp, n_cand, v_sorted, position);
    for (int64_t k = 0; k < n_cand; k++)
        along[k] = v_sorted[by_v[k]];
    memcpy(v_sorted, along, (size_t)n_cand * sizeof(double));  /* the middles, in that order */
    for (int64_t c = 0; c < n_cells; c++) {
        const double *b = boxes + 4 * c;
        int64_t m = 0, low = 0, high = n_cand;
        int all_upright = 1;
        while (low < high) {  /* the first candidate with v >= the cell's top */
            int64_t mid = low + (high - low) / 2;
            if (v_sorted[mid] >= b[1])
                high = mid;
            else
                low = mid + 1;
        }
        for (int64_t q = low; q < n_cand && v_sorted[q] < b[3]; q++) {
            int64_t i = cand[by_v[q]];
            if (h[i] >= b[0] && h[i] < b[2])
                picked[m++] = by_v[q];
        }
        /* back in content order */
        memcpy(order, picked, (size_t)m * sizeof(int64_t));
        sort_by(order, tmp, m, position, position);
        for (int64_t j = 0; j < m; j++) {
            mem[j] = cand[order[j]];
            all_upright &= upright[mem[j]] != 0;
        }
        begin[c] = end[c] = 0;
        state[c] = m == 0 ? 0 : all_upright ? 1 : 2;
        if (state[c] != 1)
            continue;
        /* lines by top, then each line along x0 (stable: content order) */
        cluster(mem, m, top, 3.0, sorted, tmp, line);
        for (int64_t j = 0; j < m; j++) {
            order[j] = j;
            along[j] = x0[mem[j]];
        }
        sort_by(order, tmp, m, line, along);
        /* words: cut at a new line, after a space, and at gaps; spaces dropped */
        int64_t n_kept = 0, n_words = 0;
        for (int64_t k = 0; k < m; k++) {
            int64_t j = order[k], i = mem[j];
            int start = k == 0;
            if (k > 0) {
                int64_t pj = order[k - 1], p = mem[pj];
                start = line[j] != line[pj] || codes[p] == 32 || x0[i] < x0[p] || x0[i] > x1[p] + 3.0
                        || fabs(top[i] - top[p]) > 3.0;
            }
            if (codes[i] == 32)
                continue;
            if (start || n_words == 0) {
                heads[n_words] = n_kept;
                word_top[n_words++] = top[i];
            } else if (top[i] < word_top[n_words - 1]) {
                word_top[n_words - 1] = top[i];
            }
            kept[n_kept++] = i;
        }
        heads[n_words] = n_kept;
        if (n_words == 0) {  /* only spaces */
            state[c] = 0;
            continue;
        }
        /* the words in lines by their top, each line's words in order */
        int64_t *word_index = mem;  /* mem is done with: reuse it */
        for (int64_t w = 0; w < n_words; w++)
            word_index[w] = w;
        cluster(word_index, n_words, word_top, 3.0, sorted, tmp, word_line);
        for (int64_t w = 0; w < n_words; w++)
            order[w] = w;
        sort_by(order, tmp, n_words, word_line, word_line);
        begin[c] = written;
        for (int64_t k = 0; k < n_words; k++) {
            int64_t w = order[k];
            if (k > 0) {
                if (written < room)
                    out[written] = word_line[w] != word_line[order[k - 1]] ? 10 : 32;
                written++;
            }
            for (int64_t q = heads[w]; q < heads[w + 1]; q++) {
                if (written < room)
                    out[written] = codes[kept[q]];
                written++;
            }
        }
        end[c] = written;
    }
    if (written > room)
        written = -written;
done:
    free(by_v), free(picked), free(v_sorted), free(position);
    free(mem), free(order), free(tmp), free(sorted), free(kept), free(heads);
    free(line), free(along), free(word_top), free(word_line);
    return written;
}

/* Python requires an init function of every extension it builds; this one
 * is never imported. */
void *PyInit__pdfium_chars(void) { return NULL; }

/* pdfplumber's TableFinder after its edges are snapped and joined:
 * edges_to_intersections, intersections_to_cells and cells_to_tables
 * (fast_reader._intersections, _cells, _cells_to_tables), for edges with no
 * NaN. Verticals v[4 * i ...] and horizontals h[4 * j ...] are (x0, top, x1,
 * bottom); vid and hid number equal edges alike (the Python keeps sets of
 * edges). A point is an (x, y) pair of values (0.0 and -0.0 alike, the
 * first met kept, as a dict keeps its first key); every corner of a cell is
 * one. Writes each table's cells (x0, top, x1, bottom) to cells and their
 * count to sizes, tables of more than one cell, top to bottom; returns how
 * many tables, minus the cells needed when room is short (nothing written),
 * or INT64_MIN when memory runs out. */
typedef struct {
    int64_t points, capacity, entries;
    double *x, *y;
    int64_t *slots;          /* hash slots: point index + 1, 0 empty */
    int64_t *v_head, *h_head; /* each point's edge sets: linked lists */
    int64_t *next, *value;    /* the lists' entries */
} table_points;

static uint64_t point_hash(double x, double y)
{
    uint64_t a, b;
    x = x == 0 ? 0.0 : x, y = y == 0 ? 0.0 : y;  /* -0.0 hashes as 0.0, as in Python */
    memcpy(&a, &x, sizeof a), memcpy(&b, &y, sizeof b);
    return (a * UINT64_C(0x9E3779B97F4A7C15)) ^ (b + UINT64_C(0x632BE59BD9B4E019) + (a << 6) + (a >> 2));
}

/* The point (x, y)'s index, added if new and add is set; -1 if absent. */
static int64_t point_at(table_points *t, double x, double y, int add)
{
    uint64_t mask = (uint64_t)t->capacity - 1, k = point_hash(x, y) & mask;
    while (t->slots[k]) {
        int64_t p = t->slots[k] - 1;
        if (t->x[p] == x && t->y[p] == y)
            return p;
        k = (k + 1) & mask;
    }
    if (!add)
        return -1;
    int64_t p = t->points++;
    t->x[p] = x, t->y[p] = y, t->v_head[p] = t->h_head[p] = -1;
    t->slots[k] = p + 1;
    return p;
}

static void set_add(table_points *t, int64_t *head, int64_t value)
{
    for (int64_t e = *head; e >= 0; e = t->next[e])
        if (t->value[e] == value)
            return;
    int64_t e = t->entries++;
    t->value[e] = value, t->next[e] = *head;
    *head = e;
}

static int sets_meet(const table_points *t, int64_t a, int64_t b)
{
    for (int64_t e = a; e >= 0; e = t->next[e])
        for (int64_t f = b; f >= 0; f = t->next[f])
            if (t->value[e] == t->value[f])
                return 1;
    return 0;
}

/* qsort's comparison of point indexes by (first, second) coordinate, the
 * arrays set before each sort (the calls hold the GIL: one at a time). */
static const double *sort_first, *sort_second;
static int by_coordinates(const void *a, const void *b)
{
    int64_t p = *(const int64_t *)a, q = *(const int64_t *)b;
    if (sort_first[p] != sort_first[q])
        return sort_first[p] < sort_first[q] ? -1 : 1;
    return sort_second[p] < sort_second[q] ? -1 : sort_second[p] > sort_second[q] ? 1 : 0;
}

/* Whether vertical v and horizontal h (x0, top, x1, bottom) meet within
 * tolerance, as _intersections tests it (with its additions). */
static int edges_meet(const double *v, const double *h, double tolerance)
{
    return v[1] <= h[1] + tolerance && v[3] >= h[1] - tolerance && v[0] >= h[0] - tolerance
           && v[0] <= h[2] + tolerance;
}

int64_t bp_find_tables(int64_t nv, const double *v, const int64_t *vid, int64_t nh, const double *h,
                       const int64_t *hid, double tolerance, int64_t room, double *cells_out, int64_t *sizes)
{
    int64_t meets = 0;
    for (int64_t i = 0; i < nv; i++)
        for (int64_t j = 0; j < nh; j++)
            meets += edges_meet(&v[4 * i], &h[4 * j], tolerance);
    int64_t n = meets > 0 ? meets : 1, capacity = 2;
    while (capacity < 2 * n)
        capacity *= 2;
    table_points t = {0, capacity, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    int64_t result = INT64_MIN;
    t.x = malloc((size_t)n * sizeof(double)), t.y = malloc((size_t)n * sizeof(double));
    t.slots = calloc((size_t)capacity, sizeof(int64_t));
    t.v_head = malloc((size_t)n * sizeof(int64_t)), t.h_head = malloc((size_t)n * sizeof(int64_t));
    t.next = malloc((size_t)(2 * n) * sizeof(int64_t)), t.value = malloc((size_t)(2 * n) * sizeof(int64_t));
    int64_t *by_column = malloc((size_t)n * sizeof(int64_t)), *by_row = malloc((size_t)n * sizeof(int64_t));
    int64_t *column_end = malloc((size_t)n * sizeof(int64_t)), *row_end = malloc((size_t)n * sizeof(int64_t));
    int64_t *row_at = malloc((size_t)n * sizeof(int64_t));
    int64_t *cell_corners = malloc((size_t)(4 * n) * sizeof(int64_t)), *remaining = malloc((size_t)n * sizeof(int64_t));
    int64_t *current = malloc((size_t)n * sizeof(int64_t)), *table_start = malloc((size_t)(n + 1) * sizeof(int64_t));
    int64_t *table_order = malloc((size_t)n * sizeof(int64_t)), *done = malloc((size_t)n * sizeof(int64_t));
    double *key_top = malloc((size_t)n * sizeof(double)), *key_x0 = malloc((size_t)n * sizeof(double));
    uint8_t *in_corners = calloc((size_t)n, 1);
    if (!t.x || !t.y || !t.slots || !t.v_head || !t.h_head || !t.next || !t.value || !by_column || !by_row
        || !column_end || !row_end || !row_at || !cell_corners || !remaining || !current || !table_start
        || !table_order || !done || !key_top || !key_x0 || !in_corners)
        goto finish;
    /* intersections: vertical by vertical, horizontal by horizontal */
    for (int64_t i = 0; i < nv; i++)
        for (int64_t j = 0; j < nh; j++)
            if (edges_meet(&v[4 * i], &h[4 * j], tolerance)) {
                int64_t p = point_at(&t, v[4 * i], h[4 * j + 1], 1);
                set_add(&t, &t.v_head[p], vid[i]);
                set_add(&t, &t.h_head[p], hid[j]);
            }
    int64_t points = t.points;
    /* points in order (columns), and in rows; where each one's column and row end */
    for (int64_t p = 0; p < points; p++)
        by_column[p] = by_row[p] = p;
    sort_first = t.x, sort_second = t.y;
    qsort(by_column, (size_t)points, sizeof(int64_t), by_coordinates);
    sort_first = t.y, sort_second = t.x;
    qsort(by_row, (size_t)points, sizeof(int64_t), by_coordinates);
    for (int64_t k = points - 1; k >= 0; k--) {
        int same = k + 1 < points && t.x[by_column[k + 1]] == t.x[by_column[k]];
        column_end[k] = same ? column_end[k + 1] : k + 1;
        same = k + 1 < points && t.y[by_row[k + 1]] == t.y[by_row[k]];
        row_end[k] = same ? row_end[k + 1] : k + 1;
        row_at[by_row[k]] = k;
    }
    /* cells: for each point, the smallest cell it is the top-left corner of */
    int64_t cells = 0;
    for (int64_t k = 0; k < points; k++) {
        int64_t p = by_column[k], r = row_at[p];
        if (r + 1 >= row_end[r])
            continue;  /* nothing to its right */
        int found = 0;
        for (int64_t b = k + 1; b < column_end[k] && !found; b++) {
            int64_t below = by_column[b];
            if (!sets_meet(&t, t.v_head[p], t.v_head[below]))
                continue;
            for (int64_t c = r + 1; c < row_end[r]; c++) {
                int64_t corner = by_row[c];
                if (!sets_meet(&t, t.h_head[p], t.h_head[corner]))
                    continue;
                int64_t far = point_at(&t, t.x[corner], t.y[below], 0);
                if (far >= 0 && sets_meet(&t, t.v_head[far], t.v_head[corner])
                    && sets_meet(&t, t.h_head[far], t.h_head[below])) {
                    int64_t *corners = &cell_corners[4 * cells];
                    corners[0] = p, corners[1] = below, corners[2] = corner, corners[3] = far;
                    cells++;
                    found = 1;
                    break;
                }
            }
        }
    }
    /* cells grouped into tables by shared corners, pass after pass */
    int64_t n_remaining = cells, n_current = 0, tables = 0, placed = 0;
    for (int64_t c = 0; c < cells; c++)
        remaining[c] = c;
    table_start[0] = 0;
    while (n_remaining > 0) {
        int64_t initial = n_current, kept = 0;
        for (int64_t k = 0; k < n_remaining; k++) {
            int64_t c = remaining[k], *corners = &cell_corners[4 * c];
            if (n_current == 0 || in_corners[corners[0]] || in_corners[corners[1]] || in_corners[corners[2]]
                || in_corners[corners[3]]) {
                for (int q = 0; q < 4; q++)
                    in_corners[corners[q]] = 1;
                current[n_current++] = c;
            } else {
                remaining[kept++] = c;
            }
        }
        n_remaining = kept;
        if (n_current == initial) {
            for (int64_t k = 0; k < n_current; k++) {
                done[placed++] = current[k];
                for (int q = 0; q < 4; q++)
                    in_corners[cell_corners[4 * current[k] + q]] = 0;
            }
            table_start[++tables] = placed;
            n_current = 0;
        }
    }
    if (n_current > 0) {
        for (int64_t k = 0; k < n_current; k++)
            done[placed++] = current[k];
        table_start[++tables] = placed;
    }
    /* tables by their least (top, x0), stably (an insertion sort); those of more than one cell */
    int64_t needed = 0, out_tables = 0;
    for (int64_t k = 0; k < tables; k++) {
        int64_t size = table_start[k + 1] - table_start[k], j = k;
        if (size > 1)
            needed += size;
        double top = 0, x0 = 0;
        for (int64_t m = table_start[k]; m < table_start[k + 1]; m++) {
            int64_t p = cell_corners[4 * done[m]];
            if (m == table_start[k] || t.y[p] < top || (t.y[p] == top && t.x[p] < x0))
                top = t.y[p], x0 = t.x[p];
        }
        key_top[k] = top, key_x0[k] = x0;
        while (j > 0) {
            int64_t before = table_order[j - 1];
            if (!(top < key_top[before] || (top == key_top[before] && x0 < key_x0[before])))
                break;
            table_order[j] = before;
            j--;
        }
        table_order[j] = k;
    }
    if (needed > room) {
        result = -needed;
        goto finish;
    }
    int64_t written = 0;
    for (int64_t k = 0; k < tables; k++) {
        int64_t table = table_order[k], size = table_start[table + 1] - table_start[table];
        if (size <= 1)
            continue;
        sizes[out_tables++] = size;
        for (int64_t m = table_start[table]; m < table_start[table + 1]; m++) {
            const int64_t *corners = &cell_corners[4 * done[m]];
            double *cell = &cells_out[4 * written++];
            cell[0] = t.x[corners[0]], cell[1] = t.y[corners[0]], cell[2] = t.x[corners[2]], cell[3] = t.y[corners[1]];
        }
    }
    result = out_tables;
finish:
    free(t.x), free(t.y), free(t.slots), free(t.v_head), free(t.h_head), free(t.next), free(t.value);
    free(by_column), free(by_row), free(column_end), free(row_end), free(row_at), free(cell_corners);
    free(remaining), free(current), free(table_start), free(table_order), free(done), free(key_top), free(key_x0);
    free(in_corners);
    return result;
}
