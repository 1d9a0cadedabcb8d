#compdef specdet

__specdet_complete() {
    local -ar non_empty_completions=("${@:#(|:*)}")
    local -ar empty_completions=("${(M)@:#(|:*)}")
    _describe -V '' non_empty_completions -- empty_completions -P $'\'\''
}

__specdet_custom_complete() {
    local -a completions
    completions=("${(@f)"$("${command_name}" "${@}" "${command_line[@]}")"}")
    if [[ "${#completions[@]}" -gt 1 ]]; then
        __specdet_complete "${completions[@]:0:-1}"
    fi
}

__specdet_cursor_index_in_current_word() {
    if [[ -z "${QIPREFIX}${IPREFIX}${PREFIX}" ]]; then
        printf 0
    else
        printf %s "${#${(z)LBUFFER}[-1]}"
    fi
}

_specdet() {
    emulate -RL zsh -G
    setopt extendedglob nullglob numericglobsort
    unsetopt aliases banghist

    local -xr SAP_SHELL=zsh
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(builtin emulate zsh -c 'printf %s "${ZSH_VERSION}"')"
    local -r SAP_SHELL_VERSION

    local context state state_descr line
    local -A opt_args

    local -r command_name="${words[1]}"
    local -ar command_line=("${words[@]}")
    local -ir current_word_index="$((CURRENT - 1))"

    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'score:Score images for fakeness with a trained model (default: the built-in one).'
            'report:Score images and write one self-contained HTML report.'
            'profile:Write the spectral profile of every image as CSV.'
            'train:Train a detector on labelled real and fake images.'
            'evaluate:Measure a model on labelled real and fake images.'
            'info:Say what a model is, what it was trained on and how well it did.'
            'plot:Plot the mean spectral profiles of real and fake images as SVG.'
            'fingerprint:Write the mean 2-D log spectrum of a set of images as a PNG.'
            'help:Show subcommand help information.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        score|report|profile|train|evaluate|info|plot|fingerprint|help)
            "_specdet_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_specdet_score() {
    local -i ret=1
    local -ar ___format=('csv' 'jsonl' 'table')
    local -ar arg_specs=(
        '*:paths:'
        '*--files-from[Read more input paths from FILE, one per line or NUL-separated as find -print0 writes ('\''-'\'' for stdin).]:FILE:'
        '--shard[Process only shard K of N (1 <= K <= N)\: a stable partition of the inputs by a hash of each path, so N runs on N machines cover every input exactly once.]:K/N:'
        '--model[A model file written by `specdet train` (default\: the built-in model).]:MODEL.json:'
        '--threshold[Decision threshold on P(fake), overriding the model'\''s (fake when p >= threshold).]:threshold:'
        '--format[csv, jsonl or table.]:format:{__specdet_complete "${___format[@]}"}'
        '(-o --output)'{-o,--output}'[Write to FILE atomically instead of stdout.]:FILE:'
        '--no-header[Omit the header row (for concatenating shards).]'
        '--jobs[Worker threads (default\: the number of cores).]:jobs:'
        '--quiet[Print no progress and no summary on stderr.]'
        '--max-pixels[Largest width x height decoded (checked from the header).]:max-pixels:'
        '--max-side[Largest width or height decoded.]:max-side:'
        '--max-file-size[Largest input file in bytes.]:max-file-size:'
        '--max-scans[Most JPEG scans (progressive JPEGs).]:max-scans:'
        '--max-decode-ms[Decode time budget per image in milliseconds (0\: none).]:max-decode-ms:'
        '--max-fft-memory[Largest FFT buffer memory per image in bytes\: 8 bytes per pixel (4·W·H + 8·H·(W/2+1) + 4·(W/2+1)), and 8 more for the sums of the fingerprint command.]:max-fft-memory:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_specdet_report() {
    local -i ret=1
    local -ar arg_specs=(
        '*:paths:'
        '*--files-from[Read more input paths from FILE, one per line or NUL-separated as find -print0 writes ('\''-'\'' for stdin).]:FILE:'
        '--shard[Process only shard K of N (1 <= K <= N)\: a stable partition of the inputs by a hash of each path, so N runs on N machines cover every input exactly once.]:K/N:'
        '--model[A model file written by `specdet train` (default\: the built-in model).]:MODEL.json:'
        '--threshold[Decision threshold on P(fake), overriding the model'\''s (fake when p >= threshold).]:threshold:'
        '--real[Images known to be real\: files or folders, for the evaluation (every path up to the next option; put unlabelled inputs first).]:PATH:'
        '--fake[Images known to be fake\: files or folders, for the evaluation (every path up to the next option).]:PATH:'
        '(-o --output)'{-o,--output}'[Where to write the HTML report (- for stdout).]:FILE.html:'
        '--thumbnails[Thumbnails and evidence for the N inputs of highest P(fake) (in domain first), 0 to 1000.]:N:'
        '--jobs[Worker threads (default\: the number of cores).]:jobs:'
        '--quiet[Print no progress and no summary on stderr.]'
        '--max-pixels[Largest width x height decoded (checked from the header).]:max-pixels:'
        '--max-side[Largest width or height decoded.]:max-side:'
        '--max-file-size[Largest input file in bytes.]:max-file-size:'
        '--max-scans[Most JPEG scans (progressive JPEGs).]:max-scans:'
        '--max-decode-ms[Decode time budget per image in milliseconds (0\: none).]:max-decode-ms:'
        '--max-fft-memory[Largest FFT buffer memory per image in bytes\: 8 bytes per pixel (4·W·H + 8·H·(W/2+1) + 4·(W/2+1)), and 8 more for the sums of the fingerprint command.]:max-fft-memory:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_specdet_profile() {
    local -i ret=1
    local -ar ___features=('durall' 'sectors')
    local -ar arg_specs=(
        '*:paths:'
        '*--files-from[Read more input paths from FILE, one per line or NUL-separated as find -print0 writes ('\''-'\'' for stdin).]:FILE:'
        '--shard[Process only shard K of N (1 <= K <= N)\: a stable partition of the inputs by a hash of each path, so N runs on N machines cover every input exactly once.]:K/N:'
        '--features[Feature set\: sectors (axis-aligned and diagonal profiles, bins / 2 each; the built-in model'\''s) or durall (the published method). (default\: sectors)]:features:{__specdet_complete "${___features[@]}"}'
        '--bins[Values per profile after resampling. (default\: 300)]:bins:'
        '(-o --output)'{-o,--output}'[Write to FILE atomically instead of stdout.]:FILE:'
        '--no-header[Omit the header row (for concatenating shards).]'
        '--jobs[Worker threads (default\: the number of cores).]:jobs:'
        '--quiet[Print no progress and no summary on stderr.]'
        '--max-pixels[Largest width x height decoded (checked from the header).]:max-pixels:'
        '--max-side[Largest width or height decoded.]:max-side:'
        '--max-file-size[Largest input file in bytes.]:max-file-size:'
        '--max-scans[Most JPEG scans (progressive JPEGs).]:max-scans:'
        '--max-decode-ms[Decode time budget per image in milliseconds (0\: none).]:max-decode-ms:'
        '--max-fft-memory[Largest FFT buffer memory per image in bytes\: 8 bytes per pixel (4·W·H + 8·H·(W/2+1) + 4·(W/2+1)), and 8 more for the sums of the fingerprint command.]:max-fft-memory:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_specdet_train() {
    local -i ret=1
    local -ar ___classifier=('logistic' 'svm' 'svm-linear')
    local -ar ___threshold_rule=('decision-sign' 'accuracy' 'target-fpr')
    local -ar ___features=('durall' 'sectors')
    local -ar arg_specs=(
        '--real[Real images\: files, folders or profile CSVs (every path up to the next option).]:PATH:'
        '--fake[Fake images\: files, folders or profile CSVs (every path up to the next option).]:PATH:'
        '(-o --output)'{-o,--output}'[Where to write the model.]:MODEL.json:'
        '--classifier[svm (RBF kernel, the default), logistic or svm-linear.]:classifier:{__specdet_complete "${___classifier[@]}"}'
        '--C[Cost C (default\: 6.37 for svm, 1 for logistic and svm-linear\: the published values).]:C:'
        '--gamma[RBF kernel gamma for svm (default\: the published 0.86).]:gamma:'
        '--landmarks[Train the svm through N Nyström landmarks (drawn from the training profiles) instead of libsvm\: at most N support vectors, however many images.]:N:'
        '--standardize[Standardise each feature to zero mean and unit variance.]'
        '--no-standardize[Standardise each feature to zero mean and unit variance.]'
        '--tune[Choose C (and gamma) by an inner cross-validation on standardised features.]'
        '--seed[Seed of every random choice in training.]:seed:'
        '--threshold-rule[decision-sign (the classifier'\''s own boundary, the default), accuracy (the threshold of highest out-of-fold accuracy) or target-fpr (with --target-fpr F).]:RULE:{__specdet_complete "${___threshold_rule[@]}"}'
        '--target-fpr[Instead, the threshold that keeps the out-of-fold false-positive rate (reals called fake), over the images and their augmented copies (or see --target-fpr-on), at or below F.]:F:'
        '--target-fpr-on[With --target-fpr\: count only the original images of these --real inputs (every path up to the next option).]:PATH:'
        '--folds[Cross-validation folds (0\: none).]:folds:'
        '--groups[CSV with columns path,group\: inputs of one group share a fold.]:FILE:'
        '--group-by-folder[Group the folds by each input'\''s folder.]'
        '--folds-out[Write path,label,fold and the out-of-fold P(fake) of every input to FILE.]:FILE:'
        '--augment[Augment training images\: jpeg, resize, jpeg,resize or none (copies re-encoded as JPEG and/or downscaled).]:KINDS:'
        '--augment-copies[Augmented copies per training image in each round, 0 to 8.]:N:'
        '--augment-rounds[Independent draws of the copies, 1 to 10\: one classifier is trained per round, on the images and that round'\''s copies, and the model is their average.]:N:'
        '--augment-qualities[JPEG qualities of augmented copies, drawn uniformly.]:LO-HI:'
        '--augment-scales[Downscale factors of augmented copies, drawn uniformly.]:LO-HI:'
        '--features[Feature set\: sectors (axis-aligned and diagonal profiles, bins / 2 each; the built-in model'\''s) or durall (the published method). (default\: sectors)]:features:{__specdet_complete "${___features[@]}"}'
        '--bins[Values per profile after resampling. (default\: 300)]:bins:'
        '--jobs[Worker threads (default\: the number of cores).]:jobs:'
        '--quiet[Print no progress and no summary on stderr.]'
        '--max-pixels[Largest width x height decoded (checked from the header).]:max-pixels:'
        '--max-side[Largest width or height decoded.]:max-side:'
        '--max-file-size[Largest input file in bytes.]:max-file-size:'
        '--max-scans[Most JPEG scans (progressive JPEGs).]:max-scans:'
        '--max-decode-ms[Decode time budget per image in milliseconds (0\: none).]:max-decode-ms:'
        '--max-fft-memory[Largest FFT buffer memory per image in bytes\: 8 bytes per pixel (4·W·H + 8·H·(W/2+1) + 4·(W/2+1)), and 8 more for the sums of the fingerprint command.]:max-fft-memory:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_specdet_evaluate() {
    local -i ret=1
    local -ar ___format=('table' 'json')
    local -ar arg_specs=(
        '--model[A model file written by `specdet train` (default\: the built-in model).]:MODEL.json:'
        '--threshold[Decision threshold on P(fake), overriding the model'\''s (fake when p >= threshold).]:threshold:'
        '--real[Real images\: files, folders or profile CSVs (every path up to the next option).]:PATH:'
        '--fake[Fake images\: files, folders or profile CSVs (every path up to the next option).]:PATH:'
        '--format[table or json.]:format:{__specdet_complete "${___format[@]}"}'
        '--target-fpr[False-positive rate for which to report a threshold.]:target-fpr:'
        '(-o --output)'{-o,--output}'[Write to FILE atomically instead of stdout.]:FILE:'
        '--jobs[Worker threads (default\: the number of cores).]:jobs:'
        '--quiet[Print no progress and no summary on stderr.]'
        '--max-pixels[Largest width x height decoded (checked from the header).]:max-pixels:'
        '--max-side[Largest width or height decoded.]:max-side:'
        '--max-file-size[Largest input file in bytes.]:max-file-size:'
        '--max-scans[Most JPEG scans (progressive JPEGs).]:max-scans:'
        '--max-decode-ms[Decode time budget per image in milliseconds (0\: none).]:max-decode-ms:'
        '--max-fft-memory[Largest FFT buffer memory per image in bytes\: 8 bytes per pixel (4·W·H + 8·H·(W/2+1) + 4·(W/2+1)), and 8 more for the sums of the fingerprint command.]:max-fft-memory:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_specdet_info() {
    local -i ret=1
    local -ar ___format=('table' 'json')
    local -ar arg_specs=(
        ':MODEL.json:'
        '--model[MODEL.json given as an option, as score and evaluate take it.]:MODEL.json:'
        '--format[table or json.]:format:{__specdet_complete "${___format[@]}"}'
        '(-o --output)'{-o,--output}'[Write to FILE atomically instead of stdout.]:FILE:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_specdet_plot() {
    local -i ret=1
    local -ar ___features=('durall' 'sectors')
    local -ar arg_specs=(
        '--real[Real images\: files, folders or profile CSVs (every path up to the next option).]:PATH:'
        '--fake[Fake images\: files, folders or profile CSVs (every path up to the next option).]:PATH:'
        '--model[Also draw the weight per band of this model (written by `specdet train`); its --bins must match.]:MODEL.json:'
        '--csv[Also write the plotted numbers as CSV\: bin,part,frequency,mean_real,std_real,mean_fake,std_fake,relative_error\[,weight\].]:FILE:'
        '(-o --output)'{-o,--output}'[Write to FILE atomically instead of stdout.]:FILE:'
        '--features[Feature set\: sectors (axis-aligned and diagonal profiles, bins / 2 each; the built-in model'\''s) or durall (the published method). (default\: sectors)]:features:{__specdet_complete "${___features[@]}"}'
        '--bins[Values per profile after resampling. (default\: 300)]:bins:'
        '--jobs[Worker threads (default\: the number of cores).]:jobs:'
        '--quiet[Print no progress and no summary on stderr.]'
        '--max-pixels[Largest width x height decoded (checked from the header).]:max-pixels:'
        '--max-side[Largest width or height decoded.]:max-side:'
        '--max-file-size[Largest input file in bytes.]:max-file-size:'
        '--max-scans[Most JPEG scans (progressive JPEGs).]:max-scans:'
        '--max-decode-ms[Decode time budget per image in milliseconds (0\: none).]:max-decode-ms:'
        '--max-fft-memory[Largest FFT buffer memory per image in bytes\: 8 bytes per pixel (4·W·H + 8·H·(W/2+1) + 4·(W/2+1)), and 8 more for the sums of the fingerprint command.]:max-fft-memory:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_specdet_fingerprint() {
    local -i ret=1
    local -ar arg_specs=(
        '*:paths:'
        '*--files-from[Read more input paths from FILE, one per line or NUL-separated as find -print0 writes ('\''-'\'' for stdin).]:FILE:'
        '--shard[Process only shard K of N (1 <= K <= N)\: a stable partition of the inputs by a hash of each path, so N runs on N machines cover every input exactly once.]:K/N:'
        '(-o --output)'{-o,--output}'[Where to write the PNG.]:FILE.png:'
        '--size[Centre-crop every image to N x N or W x H pixels, sides up to 65535 (default\: all images must share the first one'\''s size).]:N|WxH:'
        '--clip[Percent of the mean spectrum'\''s values saturated at each end of the 8-bit map (0\: min to max).]:PERCENT:'
        '--jobs[Worker threads (default\: the number of cores).]:jobs:'
        '--quiet[Print no progress and no summary on stderr.]'
        '--max-pixels[Largest width x height decoded (checked from the header).]:max-pixels:'
        '--max-side[Largest width or height decoded.]:max-side:'
        '--max-file-size[Largest input file in bytes.]:max-file-size:'
        '--max-scans[Most JPEG scans (progressive JPEGs).]:max-scans:'
        '--max-decode-ms[Decode time budget per image in milliseconds (0\: none).]:max-decode-ms:'
        '--max-fft-memory[Largest FFT buffer memory per image in bytes\: 8 bytes per pixel (4·W·H + 8·H·(W/2+1) + 4·(W/2+1)), and 8 more for the sums of the fingerprint command.]:max-fft-memory:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_specdet_help() {
    local -i ret=1
    local -ar arg_specs=(
        '*:subcommands:'
        '--version[Show the version.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

if [[ "${funcstack[1]}" = _specdet ]]; then
    _specdet "${@}"
else
    compdef _specdet specdet
fi
