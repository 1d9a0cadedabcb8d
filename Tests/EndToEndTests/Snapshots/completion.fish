function __specdet_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __specdet_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __specdet_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __specdet_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __specdet_parse_tokens -S
    set -l unparsed_tokens (__specdet_tokens -pc)
    switch $unparsed_tokens[1]
    case 'specdet'
        __specdet_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'score'
            __specdet_parse_subcommand -r 1 'files-from=+' 'shard=' 'model=' 'threshold=' 'format=' 'o/output=' 'no-header' 'jobs=' 'quiet' 'max-pixels=' 'max-side=' 'max-file-size=' 'max-scans=' 'max-decode-ms=' 'max-fft-memory=' 'version' 'h/help'
        case 'report'
            __specdet_parse_subcommand -r 1 'files-from=+' 'shard=' 'model=' 'threshold=' 'real=+' 'fake=+' 'o/output=' 'thumbnails=' 'jobs=' 'quiet' 'max-pixels=' 'max-side=' 'max-file-size=' 'max-scans=' 'max-decode-ms=' 'max-fft-memory=' 'version' 'h/help'
        case 'profile'
            __specdet_parse_subcommand -r 1 'files-from=+' 'shard=' 'features=' 'bins=' 'o/output=' 'no-header' 'jobs=' 'quiet' 'max-pixels=' 'max-side=' 'max-file-size=' 'max-scans=' 'max-decode-ms=' 'max-fft-memory=' 'version' 'h/help'
        case 'train'
            __specdet_parse_subcommand 0 'real=+' 'fake=+' 'o/output=' 'classifier=' 'C=' 'gamma=' 'landmarks=' 'standardize' 'no-standardize' 'tune' 'seed=' 'threshold-rule=' 'target-fpr=' 'target-fpr-on=+' 'folds=' 'groups=' 'group-by-folder' 'folds-out=' 'augment=' 'augment-copies=' 'augment-rounds=' 'augment-qualities=' 'augment-scales=' 'features=' 'bins=' 'jobs=' 'quiet' 'max-pixels=' 'max-side=' 'max-file-size=' 'max-scans=' 'max-decode-ms=' 'max-fft-memory=' 'version' 'h/help'
        case 'evaluate'
            __specdet_parse_subcommand 0 'model=' 'threshold=' 'real=+' 'fake=+' 'format=' 'target-fpr=' 'o/output=' 'jobs=' 'quiet' 'max-pixels=' 'max-side=' 'max-file-size=' 'max-scans=' 'max-decode-ms=' 'max-fft-memory=' 'version' 'h/help'
        case 'info'
            __specdet_parse_subcommand 1 'model=' 'format=' 'o/output=' 'version' 'h/help'
        case 'plot'
            __specdet_parse_subcommand 0 'real=+' 'fake=+' 'model=' 'csv=' 'o/output=' 'features=' 'bins=' 'jobs=' 'quiet' 'max-pixels=' 'max-side=' 'max-file-size=' 'max-scans=' 'max-decode-ms=' 'max-fft-memory=' 'version' 'h/help'
        case 'fingerprint'
            __specdet_parse_subcommand -r 1 'files-from=+' 'shard=' 'o/output=' 'size=' 'clip=' 'jobs=' 'quiet' 'max-pixels=' 'max-side=' 'max-file-size=' 'max-scans=' 'max-decode-ms=' 'max-fft-memory=' 'version' 'h/help'
        case 'help'
            __specdet_parse_subcommand -r 1 'version'
        end
    end
end

function __specdet_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __specdet_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __specdet_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __specdet_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__specdet_tokens -p)
    if test -z "$(__specdet_tokens -t)"
        set -l index (count (__specdet_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'specdet' -f
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet" version' -l 'version' -d 'Show the version.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_positional "specdet" -eq 1' -fa 'score' -d 'Score images for fakeness with a trained model (default: the built-in one).'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_positional "specdet" -eq 1' -fa 'report' -d 'Score images and write one self-contained HTML report.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_positional "specdet" -eq 1' -fa 'profile' -d 'Write the spectral profile of every image as CSV.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_positional "specdet" -eq 1' -fa 'train' -d 'Train a detector on labelled real and fake images.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_positional "specdet" -eq 1' -fa 'evaluate' -d 'Measure a model on labelled real and fake images.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_positional "specdet" -eq 1' -fa 'info' -d 'Say what a model is, what it was trained on and how well it did.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_positional "specdet" -eq 1' -fa 'plot' -d 'Plot the mean spectral profiles of real and fake images as SVG.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_positional "specdet" -eq 1' -fa 'fingerprint' -d 'Write the mean 2-D log spectrum of a set of images as a PNG.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_positional "specdet" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet score"' -l 'files-from' -d 'Read more input paths from FILE, one per line or NUL-separated as find -print0 writes (\'-\' for stdin).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet score" shard' -l 'shard' -d 'Process only shard K of N (1 <= K <= N): a stable partition of the inputs by a hash of each path, so N runs on N machines cover every input exactly once.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet score" model' -l 'model' -d 'A model file written by `specdet train` (default: the built-in model).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet score" threshold' -l 'threshold' -d 'Decision threshold on P(fake), overriding the model\'s (fake when p >= threshold).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet score" format' -l 'format' -d 'csv, jsonl or table.' -rfka 'csv jsonl table'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet score" o output' -s 'o' -l 'output' -d 'Write to FILE atomically instead of stdout.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet score" no-header' -l 'no-header' -d 'Omit the header row (for concatenating shards).'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet score" jobs' -l 'jobs' -d 'Worker threads (default: the number of cores).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet score" quiet' -l 'quiet' -d 'Print no progress and no summary on stderr.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet score" max-pixels' -l 'max-pixels' -d 'Largest width x height decoded (checked from the header).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet score" max-side' -l 'max-side' -d 'Largest width or height decoded.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet score" max-file-size' -l 'max-file-size' -d 'Largest input file in bytes.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet score" max-scans' -l 'max-scans' -d 'Most JPEG scans (progressive JPEGs).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet score" max-decode-ms' -l 'max-decode-ms' -d 'Decode time budget per image in milliseconds (0: none).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet score" max-fft-memory' -l 'max-fft-memory' -d 'Largest FFT buffer memory per image in bytes: 8 bytes per pixel (4·W·H + 8·H·(W/2+1) + 4·(W/2+1)), and 8 more for the sums of the fingerprint command.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet score" version' -l 'version' -d 'Show the version.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet score" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet report"' -l 'files-from' -d 'Read more input paths from FILE, one per line or NUL-separated as find -print0 writes (\'-\' for stdin).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet report" shard' -l 'shard' -d 'Process only shard K of N (1 <= K <= N): a stable partition of the inputs by a hash of each path, so N runs on N machines cover every input exactly once.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet report" model' -l 'model' -d 'A model file written by `specdet train` (default: the built-in model).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet report" threshold' -l 'threshold' -d 'Decision threshold on P(fake), overriding the model\'s (fake when p >= threshold).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet report"' -l 'real' -d 'Images known to be real: files or folders, for the evaluation (every path up to the next option; put unlabelled inputs first).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet report"' -l 'fake' -d 'Images known to be fake: files or folders, for the evaluation (every path up to the next option).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet report" o output' -s 'o' -l 'output' -d 'Where to write the HTML report (- for stdout).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet report" thumbnails' -l 'thumbnails' -d 'Thumbnails and evidence for the N inputs of highest P(fake) (in domain first), 0 to 1000.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet report" jobs' -l 'jobs' -d 'Worker threads (default: the number of cores).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet report" quiet' -l 'quiet' -d 'Print no progress and no summary on stderr.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet report" max-pixels' -l 'max-pixels' -d 'Largest width x height decoded (checked from the header).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet report" max-side' -l 'max-side' -d 'Largest width or height decoded.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet report" max-file-size' -l 'max-file-size' -d 'Largest input file in bytes.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet report" max-scans' -l 'max-scans' -d 'Most JPEG scans (progressive JPEGs).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet report" max-decode-ms' -l 'max-decode-ms' -d 'Decode time budget per image in milliseconds (0: none).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet report" max-fft-memory' -l 'max-fft-memory' -d 'Largest FFT buffer memory per image in bytes: 8 bytes per pixel (4·W·H + 8·H·(W/2+1) + 4·(W/2+1)), and 8 more for the sums of the fingerprint command.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet report" version' -l 'version' -d 'Show the version.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet report" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet profile"' -l 'files-from' -d 'Read more input paths from FILE, one per line or NUL-separated as find -print0 writes (\'-\' for stdin).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet profile" shard' -l 'shard' -d 'Process only shard K of N (1 <= K <= N): a stable partition of the inputs by a hash of each path, so N runs on N machines cover every input exactly once.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet profile" features' -l 'features' -d 'Feature set: sectors (axis-aligned and diagonal profiles, bins / 2 each; the built-in model\'s) or durall (the published method). (default: sectors)' -rfka 'durall sectors'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet profile" bins' -l 'bins' -d 'Values per profile after resampling. (default: 300)' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet profile" o output' -s 'o' -l 'output' -d 'Write to FILE atomically instead of stdout.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet profile" no-header' -l 'no-header' -d 'Omit the header row (for concatenating shards).'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet profile" jobs' -l 'jobs' -d 'Worker threads (default: the number of cores).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet profile" quiet' -l 'quiet' -d 'Print no progress and no summary on stderr.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet profile" max-pixels' -l 'max-pixels' -d 'Largest width x height decoded (checked from the header).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet profile" max-side' -l 'max-side' -d 'Largest width or height decoded.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet profile" max-file-size' -l 'max-file-size' -d 'Largest input file in bytes.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet profile" max-scans' -l 'max-scans' -d 'Most JPEG scans (progressive JPEGs).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet profile" max-decode-ms' -l 'max-decode-ms' -d 'Decode time budget per image in milliseconds (0: none).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet profile" max-fft-memory' -l 'max-fft-memory' -d 'Largest FFT buffer memory per image in bytes: 8 bytes per pixel (4·W·H + 8·H·(W/2+1) + 4·(W/2+1)), and 8 more for the sums of the fingerprint command.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet profile" version' -l 'version' -d 'Show the version.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet profile" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train"' -l 'real' -d 'Real images: files, folders or profile CSVs (every path up to the next option).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train"' -l 'fake' -d 'Fake images: files, folders or profile CSVs (every path up to the next option).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" o output' -s 'o' -l 'output' -d 'Where to write the model.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" classifier' -l 'classifier' -d 'svm (RBF kernel, the default), logistic or svm-linear.' -rfka 'logistic svm svm-linear'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" C' -l 'C' -d 'Cost C (default: 6.37 for svm, 1 for logistic and svm-linear: the published values).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" gamma' -l 'gamma' -d 'RBF kernel gamma for svm (default: the published 0.86).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" landmarks' -l 'landmarks' -d 'Train the svm through N Nyström landmarks (drawn from the training profiles) instead of libsvm: at most N support vectors, however many images.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" standardize' -l 'standardize' -d 'Standardise each feature to zero mean and unit variance.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" no-standardize' -l 'no-standardize' -d 'Standardise each feature to zero mean and unit variance.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" tune' -l 'tune' -d 'Choose C (and gamma) by an inner cross-validation on standardised features.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" seed' -l 'seed' -d 'Seed of every random choice in training.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" threshold-rule' -l 'threshold-rule' -d 'decision-sign (the classifier\'s own boundary, the default), accuracy (the threshold of highest out-of-fold accuracy) or target-fpr (with --target-fpr F).' -rfka 'decision-sign accuracy target-fpr'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" target-fpr' -l 'target-fpr' -d 'Instead, the threshold that keeps the out-of-fold false-positive rate (reals called fake), over the images and their augmented copies (or see --target-fpr-on), at or below F.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train"' -l 'target-fpr-on' -d 'With --target-fpr: count only the original images of these --real inputs (every path up to the next option).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" folds' -l 'folds' -d 'Cross-validation folds (0: none).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" groups' -l 'groups' -d 'CSV with columns path,group: inputs of one group share a fold.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" group-by-folder' -l 'group-by-folder' -d 'Group the folds by each input\'s folder.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" folds-out' -l 'folds-out' -d 'Write path,label,fold and the out-of-fold P(fake) of every input to FILE.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" augment' -l 'augment' -d 'Augment training images: jpeg, resize, jpeg,resize or none (copies re-encoded as JPEG and/or downscaled).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" augment-copies' -l 'augment-copies' -d 'Augmented copies per training image in each round, 0 to 8.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" augment-rounds' -l 'augment-rounds' -d 'Independent draws of the copies, 1 to 10: one classifier is trained per round, on the images and that round\'s copies, and the model is their average.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" augment-qualities' -l 'augment-qualities' -d 'JPEG qualities of augmented copies, drawn uniformly.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" augment-scales' -l 'augment-scales' -d 'Downscale factors of augmented copies, drawn uniformly.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" features' -l 'features' -d 'Feature set: sectors (axis-aligned and diagonal profiles, bins / 2 each; the built-in model\'s) or durall (the published method). (default: sectors)' -rfka 'durall sectors'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" bins' -l 'bins' -d 'Values per profile after resampling. (default: 300)' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" jobs' -l 'jobs' -d 'Worker threads (default: the number of cores).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" quiet' -l 'quiet' -d 'Print no progress and no summary on stderr.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" max-pixels' -l 'max-pixels' -d 'Largest width x height decoded (checked from the header).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" max-side' -l 'max-side' -d 'Largest width or height decoded.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" max-file-size' -l 'max-file-size' -d 'Largest input file in bytes.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" max-scans' -l 'max-scans' -d 'Most JPEG scans (progressive JPEGs).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" max-decode-ms' -l 'max-decode-ms' -d 'Decode time budget per image in milliseconds (0: none).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" max-fft-memory' -l 'max-fft-memory' -d 'Largest FFT buffer memory per image in bytes: 8 bytes per pixel (4·W·H + 8·H·(W/2+1) + 4·(W/2+1)), and 8 more for the sums of the fingerprint command.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" version' -l 'version' -d 'Show the version.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet train" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet evaluate" model' -l 'model' -d 'A model file written by `specdet train` (default: the built-in model).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet evaluate" threshold' -l 'threshold' -d 'Decision threshold on P(fake), overriding the model\'s (fake when p >= threshold).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet evaluate"' -l 'real' -d 'Real images: files, folders or profile CSVs (every path up to the next option).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet evaluate"' -l 'fake' -d 'Fake images: files, folders or profile CSVs (every path up to the next option).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet evaluate" format' -l 'format' -d 'table or json.' -rfka 'table json'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet evaluate" target-fpr' -l 'target-fpr' -d 'False-positive rate for which to report a threshold.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet evaluate" o output' -s 'o' -l 'output' -d 'Write to FILE atomically instead of stdout.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet evaluate" jobs' -l 'jobs' -d 'Worker threads (default: the number of cores).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet evaluate" quiet' -l 'quiet' -d 'Print no progress and no summary on stderr.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet evaluate" max-pixels' -l 'max-pixels' -d 'Largest width x height decoded (checked from the header).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet evaluate" max-side' -l 'max-side' -d 'Largest width or height decoded.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet evaluate" max-file-size' -l 'max-file-size' -d 'Largest input file in bytes.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet evaluate" max-scans' -l 'max-scans' -d 'Most JPEG scans (progressive JPEGs).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet evaluate" max-decode-ms' -l 'max-decode-ms' -d 'Decode time budget per image in milliseconds (0: none).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet evaluate" max-fft-memory' -l 'max-fft-memory' -d 'Largest FFT buffer memory per image in bytes: 8 bytes per pixel (4·W·H + 8·H·(W/2+1) + 4·(W/2+1)), and 8 more for the sums of the fingerprint command.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet evaluate" version' -l 'version' -d 'Show the version.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet evaluate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet info" model' -l 'model' -d 'MODEL.json given as an option, as score and evaluate take it.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet info" format' -l 'format' -d 'table or json.' -rfka 'table json'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet info" o output' -s 'o' -l 'output' -d 'Write to FILE atomically instead of stdout.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet info" version' -l 'version' -d 'Show the version.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet info" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet plot"' -l 'real' -d 'Real images: files, folders or profile CSVs (every path up to the next option).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet plot"' -l 'fake' -d 'Fake images: files, folders or profile CSVs (every path up to the next option).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet plot" model' -l 'model' -d 'Also draw the weight per band of this model (written by `specdet train`); its --bins must match.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet plot" csv' -l 'csv' -d 'Also write the plotted numbers as CSV: bin,part,frequency,mean_real,std_real,mean_fake,std_fake,relative_error[,weight].' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet plot" o output' -s 'o' -l 'output' -d 'Write to FILE atomically instead of stdout.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet plot" features' -l 'features' -d 'Feature set: sectors (axis-aligned and diagonal profiles, bins / 2 each; the built-in model\'s) or durall (the published method). (default: sectors)' -rfka 'durall sectors'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet plot" bins' -l 'bins' -d 'Values per profile after resampling. (default: 300)' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet plot" jobs' -l 'jobs' -d 'Worker threads (default: the number of cores).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet plot" quiet' -l 'quiet' -d 'Print no progress and no summary on stderr.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet plot" max-pixels' -l 'max-pixels' -d 'Largest width x height decoded (checked from the header).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet plot" max-side' -l 'max-side' -d 'Largest width or height decoded.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet plot" max-file-size' -l 'max-file-size' -d 'Largest input file in bytes.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet plot" max-scans' -l 'max-scans' -d 'Most JPEG scans (progressive JPEGs).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet plot" max-decode-ms' -l 'max-decode-ms' -d 'Decode time budget per image in milliseconds (0: none).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet plot" max-fft-memory' -l 'max-fft-memory' -d 'Largest FFT buffer memory per image in bytes: 8 bytes per pixel (4·W·H + 8·H·(W/2+1) + 4·(W/2+1)), and 8 more for the sums of the fingerprint command.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet plot" version' -l 'version' -d 'Show the version.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet plot" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet fingerprint"' -l 'files-from' -d 'Read more input paths from FILE, one per line or NUL-separated as find -print0 writes (\'-\' for stdin).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet fingerprint" shard' -l 'shard' -d 'Process only shard K of N (1 <= K <= N): a stable partition of the inputs by a hash of each path, so N runs on N machines cover every input exactly once.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet fingerprint" o output' -s 'o' -l 'output' -d 'Where to write the PNG.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet fingerprint" size' -l 'size' -d 'Centre-crop every image to N x N or W x H pixels, sides up to 65535 (default: all images must share the first one\'s size).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet fingerprint" clip' -l 'clip' -d 'Percent of the mean spectrum\'s values saturated at each end of the 8-bit map (0: min to max).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet fingerprint" jobs' -l 'jobs' -d 'Worker threads (default: the number of cores).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet fingerprint" quiet' -l 'quiet' -d 'Print no progress and no summary on stderr.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet fingerprint" max-pixels' -l 'max-pixels' -d 'Largest width x height decoded (checked from the header).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet fingerprint" max-side' -l 'max-side' -d 'Largest width or height decoded.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet fingerprint" max-file-size' -l 'max-file-size' -d 'Largest input file in bytes.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet fingerprint" max-scans' -l 'max-scans' -d 'Most JPEG scans (progressive JPEGs).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet fingerprint" max-decode-ms' -l 'max-decode-ms' -d 'Decode time budget per image in milliseconds (0: none).' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet fingerprint" max-fft-memory' -l 'max-fft-memory' -d 'Largest FFT buffer memory per image in bytes: 8 bytes per pixel (4·W·H + 8·H·(W/2+1) + 4·(W/2+1)), and 8 more for the sums of the fingerprint command.' -rfka ''
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet fingerprint" version' -l 'version' -d 'Show the version.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet fingerprint" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'specdet' -n '__specdet_should_offer_completions_for_flags_or_options "specdet help" version' -l 'version' -d 'Show the version.'
