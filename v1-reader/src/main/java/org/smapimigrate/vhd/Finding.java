package org.smapimigrate.vhd;

/**
 * Something wrong but not fatal found while opening an image or a chain: the data is still read
 * exactly, but an administrator should know ({@code primary-footer-corrupt},
 * {@code batmap-checksum-bad}, {@code chain-too-long}, ...). Fatal defects are
 * {@link org.smapimigrate.disk.ImageDefectException}s instead.
 *
 * @param code    stable kebab-case code
 * @param file    the image (or chain leaf) it is about
 * @param offset  byte offset in the image, or -1
 * @param message what is wrong and what it means
 */
public record Finding(String code, String file, long offset, String message) {
    @Override
    public String toString() {
        return file + (offset >= 0 ? " @" + offset : "") + ": " + message + " [" + code + "]";
    }
}
