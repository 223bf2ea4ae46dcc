# CUDA kernels that a CPU-only build does without: compiled into LIBRARY (linked privately to TARGET,
# which gets DEFINE=1) only when nvcc sits next to a CUDA libtorch, as on the GPU machine or for users
# who build with CUDA. A macro, not a function: enable_language() must run at file scope.
macro(pm_add_cuda_kernels target library define)
  if(TARGET torch_cuda OR TARGET c10_cuda)
    include(CheckLanguage)
    check_language(CUDA)
    if(CMAKE_CUDA_COMPILER)
      enable_language(CUDA)
      add_library(${library} STATIC ${ARGN})
      target_include_directories(${library} PRIVATE ${PROJECT_SOURCE_DIR})
      set_target_properties(${library} PROPERTIES CUDA_ARCHITECTURES "75-real;80-real;86-real;89-real;90"
                            POSITION_INDEPENDENT_CODE ON)
      target_link_libraries(${target} PRIVATE ${library})
      target_compile_definitions(${target} PRIVATE ${define}=1)
      message(STATUS "nvcc found: building ${library}")
    endif()
  endif()
endmacro()
