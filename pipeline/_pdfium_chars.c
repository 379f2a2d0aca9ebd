/* The fast reader's two per-character PDFium calls, looped in C.
 *
 * pipeline/fast_reader.py calls FPDFText_GetTextObject and
 * FPDFText_GetCharOrigin once for every character of every page; through
 * ctypes that is most of a microsecond a call. These loops make the same
 * calls, through the addresses of pypdfium2's own PDFium functions (passed
 * in, so nothing here links against PDFium), and write the answers into the
 * caller's numpy arrays. Loaded with ctypes (``_char_loops`` in
 * pipeline/fast_reader.py);
 * when it is not built, the reader makes the calls from Python, with the
 * same results.
 *
 * Built by setup.py as an optional extension. It defines no Python module:
 * it only borrows the build machinery.
 */
#include <stddef.h>
#include <stdint.h>

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

/* Python requires an init function of every extension it builds; this one
 * is never imported. */
void *PyInit__pdfium_chars(void) { return NULL; }
